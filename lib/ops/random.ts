// random.ts — random tensors (`rand`, `randn`, `randint`, `randperm`, `normal`, `bernoulli`, the
// `*Like` forms and in-place `uniform_`/`normal_`/`bernoulli_`) and the generator state.
//
// Numbers come from the counter-based Philox4x32-10 stream described in native/core/philox.h.
// The state is a (seed, offset) pair kept here in JavaScript, one for the whole process and every
// device: element i of an op's output draws Philox block (offset + i) under key seed, and the op
// then advances offset by its element count. So `manualSeed(s)` gives the same numbers whatever
// the thread count, and the same stream on every backend.
import { describeArg } from '../arity';
import { checkDType, DType, isFloating } from '../dtype';
import { parseDevice } from '../device';
import { DTypeError, ShapeError, ValueError } from '../errors';
import { call, opId } from '../native';
import { captureState, refuseInCapture } from '../capture';
import { broadcastShapes, broadcastStrides, checkShape, fmt } from '../shape';
import { noGrad } from '../autograd';
import { contiguousCopy, copyInto, emptyTensor, scope, Tensor } from '../tensor';
import { add, clamp, isfinite, le, log, logicalNot, logicalOr, lt, mul, ne, neg } from './elementwise';
import { amin, any, sum } from './reduce';
import { cumsum } from './softmax';
import { topk } from './sort';
import { narrow, reshape, stack, unsqueeze } from './views';
import * as A from '../args';
import { isPlainObject, optional, required, signature, tooManyArgs } from '../args';
import { FACTORY_KEYWORDS, LikeOptions, likeSignature, SizeArgs, sizedArgs, sizedSignature, TensorOptions, withGrad } from './factory';

const UNIFORM = opId('randomUniform');
const NORMAL = opId('randomNormal');
const RANDINT = opId('randomInt');
const BERNOULLI = opId('bernoulli');
const RANDPERM = opId('randperm');
const PHILOX_RAW = opId('philoxRaw');

/**
 * The seed the generator starts with when the program sets none: PyTorch's default CPU seed,
 * so an unseeded program is reproducible from run to run, as it is in PyTorch.
 */
export const DEFAULT_SEED = 67280421310721;

/** The generator state: the Philox key (`seed`) and the number of 128-bit blocks drawn so far. */
export interface RngState {
  seed: number;
  offset: number;
}

const state: RngState = { seed: DEFAULT_SEED, offset: 0 };
const TWO32 = 4294967296;

function checkSafeUint(v: unknown, what: string, op: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw new ValueError(`${String(op)}: ${String(what)} must be an integer in [0, 2^53), got ${describeArg(v)}`);
  }
  return v;
}

/**
 * Seeds the generator and restarts its stream, as `torch.manual_seed`.
 * ```ts
 * fl.manualSeed(0);
 * const a = fl.rand([3]);
 * fl.manualSeed(0);
 * const b = fl.rand([3]);  // same values as a
 * ```
 */
export function manualSeed(seed: number): void {
  if (arguments.length > 1) tooManyArgs('manualSeed', 'seed', arguments);
  state.seed = checkSafeUint(seed, 'seed', 'manualSeed');
  state.offset = 0;
}

/** The seed in use (the default {@link DEFAULT_SEED} until `manualSeed` is called): `fl.initialSeed()`. */
export function initialSeed(): number { if (arguments.length > 0) tooManyArgs('initialSeed', '', arguments); return state.seed; }

/**
 * A copy of the generator state, to restore later with `setRngState`:
 * ```ts
 * const s = fl.getRngState();
 * const a = fl.randn([4]);
 * fl.setRngState(s);
 * const b = fl.randn([4]);  // equal to a
 * ```
 */
export function getRngState(): RngState { if (arguments.length > 0) tooManyArgs('getRngState', '', arguments); return { seed: state.seed, offset: state.offset }; }

/** Restores a state returned by `getRngState` (a plain `{ seed, offset }` object). */
export function setRngState(s: RngState): void {
  if (arguments.length > 1) tooManyArgs('setRngState', 'state', arguments);
  if (s === null || typeof s !== 'object') throw new ValueError(`setRngState: expected { seed, offset }, got ${describeArg(s)}`);
  const seed = checkSafeUint(s.seed, 'seed', 'setRngState');
  const offset = checkSafeUint(s.offset, 'offset', 'setRngState');
  state.seed = seed;
  state.offset = offset;
}

/** Runs kernel `id` into t (through a contiguous temporary when t is a view), then advances the stream. */
function draw(t: Tensor, id: number, op: string, extra: number[], inputs: Tensor[] = []): Tensor {
  const n = t.numel;
  if (n === 0) return t;
  // The seed and offset are host numbers passed at launch: a graph would bake them in and draw the
  // same numbers on every replay, so random ops are refused rather than silently repeated.
  if (captureState.active) refuseInCapture(op, 'a random op (its Philox seed and offset would be baked into the graph, so every replay would repeat the same numbers)');
  const params = [state.seed % TWO32, Math.floor(state.seed / TWO32), state.offset % TWO32, Math.floor(state.offset / TWO32), ...extra];
  if (t.isContiguous()) {
    call(id, op, [t, ...inputs], params);
  } else {
    const tmp = emptyTensor(t._shape, t.dtype, t._storage.device, false, op);
    try {
      call(id, op, [tmp, ...inputs], params);
      copyInto(t, tmp, op);
    } finally { tmp.dispose(); }
  }
  state.offset += n;
  return t;
}

/** Allocates the output of a creation op and fills it with kernel `id`. */
function create(shape: unknown, options: TensorOptions | undefined, defaultDType: DType, op: string, fill: (t: Tensor) => void): Tensor {
  const sh = checkShape(shape, op);
  const dtype = options?.dtype === undefined ? defaultDType : checkDType(options.dtype, op);
  const t = emptyTensor(sh, dtype, parseDevice(options?.device, op), false, op, !!options?.pinned);
  try { fill(t); } catch (e) { t.dispose(); throw e; }
  return withGrad(t, options?.requiresGrad);
}

function needFloat(dt: DType, op: string): void {
  if (!isFloating(dt)) throw new DTypeError(`${String(op)}: expected a floating dtype (float32, float64, float16, bfloat16), got ${String(dt)}`);
}
function needTensor(t: unknown, op: string): Tensor {
  if (!(t instanceof Tensor)) throw new ValueError(`${String(op)}: expected a Tensor, got ${t === null ? 'null' : typeof t}`);
  t._handleFor(op);
  return t;
}
function finite(v: unknown, what: string, op: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValueError(`${String(op)}: ${String(what)} must be a finite number, got ${describeArg(v)}`);
  return v;
}

function uniformInto(t: Tensor, from: number, to: number, op: string): Tensor {
  needFloat(t.dtype, op);
  finite(from, 'from', op); finite(to, 'to', op);
  if (from > to) throw new ValueError(`${String(op)}: expected from <= to, got from=${String(from)} > to=${String(to)}`);
  return draw(t, UNIFORM, op, [from, to]);
}
function normalInto(t: Tensor, mean: number, std: number, op: string): Tensor {
  needFloat(t.dtype, op);
  finite(mean, 'mean', op); finite(std, 'std', op);
  if (std < 0) throw new ValueError(`${String(op)}: expected std >= 0, got ${String(std)}`);
  return draw(t, NORMAL, op, [mean, std]);
}

const RAND_ARGS = sizedSignature('rand');
const RANDN_ARGS = sizedSignature('randn');

/**
 * Uniform values in [0, 1) (float32 unless `dtype` says otherwise; floating dtypes only):
 * `fl.rand(2, 3)`, `fl.rand([2, 3])`, `fl.rand(5, { dtype: 'float64' })`.
 */
export function rand(...args: SizeArgs): Tensor {
  const o = sizedArgs(RAND_ARGS, args);
  return create(o.shape, o, 'float32', 'rand', (t) => uniformInto(t, 0, 1, 'rand'));
}

/** Standard normal values (mean 0, std 1): `fl.randn(128, 64)`, `fl.randn([2], { requiresGrad: true })`. */
export function randn(...args: SizeArgs): Tensor {
  const o = sizedArgs(RANDN_ARGS, args);
  return create(o.shape, o, 'float32', 'randn', (t) => normalInto(t, 0, 1, 'randn'));
}

const NORMAL_ARGS = signature('normal', ['mean', 'std', 'size'], {
  mean: required(A.num()), std: required(A.num()), size: required(A.anyValue<number | readonly number[]>()), ...FACTORY_KEYWORDS,
});
/** Normal values with the given mean and std: `fl.normal(10, 2, [1000])`. */
export function normal(mean: number, std: number, size: number | readonly number[], options?: TensorOptions): Tensor;
export function normal(...args: unknown[]): Tensor {
  const o = NORMAL_ARGS.parse(args);
  return create(o.size, { ...o, device: o.device }, 'float32', 'normal', (t) => normalInto(t, o.mean, o.std, 'normal'));
}

const RAND_LIKE_ARGS = likeSignature('randLike');
const RANDN_LIKE_ARGS = likeSignature('randnLike');
/** Uniform values in [0, 1) with t's shape, dtype and device: `fl.randLike(x)`. */
export function randLike(t: Tensor, options?: LikeOptions): Tensor;
export function randLike(...args: unknown[]): Tensor {
  const o = RAND_LIKE_ARGS.parse(args);
  const t = needTensor(o.input, 'randLike');
  return rand(t._shape, { dtype: o.dtype ?? t.dtype, device: o.device ?? t.device, requiresGrad: o.requiresGrad });
}

/** Standard normal values with t's shape, dtype and device: `fl.randnLike(x)`. */
export function randnLike(t: Tensor, options?: LikeOptions): Tensor;
export function randnLike(...args: unknown[]): Tensor {
  const o = RANDN_LIKE_ARGS.parse(args);
  const t = needTensor(o.input, 'randnLike');
  return randn(t._shape, { dtype: o.dtype ?? t.dtype, device: o.device ?? t.device, requiresGrad: o.requiresGrad });
}

// Integers each dtype holds exactly: [min, max].
const INT_RANGE: Record<DType, [number, number]> = {
  int32: [-2147483648, 2147483647], uint8: [0, 255], bool: [0, 1],
  float16: [-2048, 2048], bfloat16: [-256, 256], float32: [-16777216, 16777216], float64: [-(2 ** 53), 2 ** 53],
};

function randintInto(t: Tensor, low: number, high: number, op: string): Tensor {
  if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high)) {
    throw new ValueError(`${String(op)}: low and high must be integers, got low=${String(low)}, high=${String(high)}`);
  }
  if (low >= high) throw new ValueError(`${String(op)}: expected low < high, got low=${String(low)}, high=${String(high)}`);
  const [mn, mx] = INT_RANGE[t.dtype];
  if (low < mn || high - 1 > mx) {
    throw new ValueError(`${String(op)}: range [${String(low)}, ${String(high)}) does not fit dtype ${String(t.dtype)} (values ${String(mn)}..${String(mx)})`);
  }
  return draw(t, RANDINT, op, [low, high]);
}

const RANDINT_ARGS = signature('randint', ['low', 'high', 'size'], {
  low: optional(A.num(), 0), high: required(A.num()), size: required(A.anyValue<number | readonly number[]>()), ...FACTORY_KEYWORDS,
});

/**
 * Integers uniform in [low, high) (int32 unless `dtype` says otherwise), as `torch.randint`.
 * With two leading numbers the call is `(low, high, shape)`; with one it is `(high, shape)`:
 * ```ts
 * fl.randint(0, 10, [3, 3]);
 * fl.randint(6, [100]);           // dice faces 0..5
 * ```
 */
export function randint(high: number, size: number | readonly number[], options?: TensorOptions): Tensor;
export function randint(low: number, high: number, size: number | readonly number[], options?: TensorOptions): Tensor;
export function randint(...args: unknown[]): Tensor {
  // PyTorch's randint(low=0, high, size): with two positional arguments they are (high, size).
  const nPos = args.length - (isPlainObject(args[args.length - 1]) ? 1 : 0);
  const o = RANDINT_ARGS.parse(nPos === 2 ? [0, ...args] : args);
  return create(o.size, o, 'int32', 'randint', (t) => randintInto(t, o.low, o.high, 'randint'));
}

const RANDPERM_ARGS = signature('randperm', ['n'], { n: required(A.int({ min: 0, max: 2147483647 })), ...FACTORY_KEYWORDS });
/**
 * A random permutation of 0..n-1 (int32 unless `dtype` says otherwise): `fl.randperm(5)`.
 * Each index gets a random 64-bit key and the indices are sorted by key.
 */
export function randperm(n: number, options?: TensorOptions): Tensor;
export function randperm(...args: unknown[]): Tensor {
  const o = RANDPERM_ARGS.parse(args);
  const n = o.n;
  const dtype = o.dtype ?? 'int32';
  if (n - 1 > INT_RANGE[dtype][1]) throw new ValueError(`randperm: n=${String(n)} is too large for dtype ${String(dtype)}`);
  const idx = create([n], { device: o.device, dtype: 'int32', pinned: o.pinned }, 'int32', 'randperm', (t) => draw(t, RANDPERM, 'randperm', []));
  if (dtype === 'int32') return withGrad(idx, o.requiresGrad);
  try { return withGrad(contiguousCopy(idx, 'randperm', dtype), o.requiresGrad); } finally { idx.dispose(); }
}

/** p contiguous, of t's shape, in p's own (floating) dtype. */
function probabilities(p: Tensor, shape: readonly number[], op: string): Tensor {
  needTensor(p, op);
  needFloat(p.dtype, op);
  if (fmt(broadcastShapes(op, p._shape, shape)) !== fmt(shape)) {
    throw new ShapeError(`${String(op)}: p of shape ${fmt(p._shape)} does not broadcast to ${fmt(shape)}`);
  }
  const view = p._view(shape, broadcastStrides(p._shape, p._strides, shape), p._offset);
  try { return contiguousCopy(view, op); } finally { view.dispose(); }
}

/**
 * 0/1 draws with probabilities `p` (a floating tensor with values in [0, 1]); the result has p's
 * shape and dtype, as `torch.bernoulli`: `fl.bernoulli(fl.full([4], 0.3))`.
 */
export function bernoulli(p: Tensor): Tensor {
  if (arguments.length > 1) tooManyArgs('bernoulli', 'input', arguments);
  needTensor(p, 'bernoulli');
  needFloat(p.dtype, 'bernoulli');
  const pc = p.isContiguous() ? p : contiguousCopy(p, 'bernoulli');
  const out = emptyTensor(p._shape, p.dtype, p._storage.device, false, 'bernoulli');
  try {
    draw(out, BERNOULLI, 'bernoulli', [], [pc]);
  } catch (e) { out.dispose(); throw e; } finally { if (pc !== p) pc.dispose(); }
  return out;
}

function bernoulliInto(t: Tensor, p: number | Tensor, op: string): Tensor {
  if (p instanceof Tensor) {
    const pc = probabilities(p, t._shape, op);
    try { return draw(t, BERNOULLI, op, [], [pc]); } finally { pc.dispose(); }
  }
  finite(p, 'p', op);
  if (p < 0 || p > 1) throw new ValueError(`${String(op)}: expected 0 <= p <= 1, got ${String(p)}`);
  return draw(t, BERNOULLI, op, [p]);
}

/**
 * @internal Test hook: the raw Philox4x32-10 output words (as unsigned numbers) for a counter of
 * four uint32 words and a key of two, to check the generator against the Random123 vectors.
 */
export function philoxRaw(counter: readonly number[], key: readonly number[], device?: string): number[] {
  const out = emptyTensor([4], 'int32', parseDevice(device, 'philoxRaw'), false, 'philoxRaw');
  try {
    call(PHILOX_RAW, 'philoxRaw', [out], [...counter, ...key]);
    return Array.from(out.dataSync() as Int32Array, (v) => v >>> 0);
  } finally { out.dispose(); }
}

/**
 * Draws `numSamples` category indices (int32) from each row of `probs` (1-D [C] or 2-D [R, C],
 * non-negative weights, not necessarily normalised), as `torch.multinomial`: with `replacement`
 * each draw is independent; without it (the default, as PyTorch) a row's draws are distinct and
 * `numSamples` may not exceed its number of nonzero weights. Follows `manualSeed`. Checks the
 * weights on the host first (a sync on a GPU), as PyTorch's CPU version does.
 *
 * ```ts
 * const next = fl.multinomial(fl.softmax(logits, -1), 1);   // sample the next token
 * ```
 */
export function multinomial(probs: Tensor, numSamples: number, replacement = false): Tensor {
  if (arguments.length > 3) tooManyArgs('multinomial', 'probs, numSamples, replacement', arguments);
  const op = 'multinomial';
  needTensor(probs, op);
  needFloat(probs.dtype, op);
  if (probs.ndim !== 1 && probs.ndim !== 2) throw new ShapeError(`${op}: probs must be 1-D or 2-D, got shape ${fmt(probs._shape)}`);
  if (typeof numSamples !== 'number' || !Number.isInteger(numSamples) || numSamples <= 0) {
    throw new ValueError(`${op}: numSamples must be a positive integer, got ${describeArg(numSamples)}`);
  }
  if (typeof replacement !== 'boolean') throw new ValueError(`${op}: replacement must be a boolean, got ${describeArg(replacement)}`);
  const C = probs._shape[probs.ndim - 1], R = probs.ndim === 1 ? 1 : probs._shape[0];
  if (C === 0) throw new ShapeError(`${op}: probs has no categories (shape ${fmt(probs._shape)})`);
  if (!replacement && numSamples > C) throw new ValueError(`${op}: cannot draw ${String(numSamples)} samples from ${String(C)} categories without replacement`);
  const outShape = probs.ndim === 1 ? [numSamples] : [R, numSamples];
  if (R === 0) return emptyTensor(outShape, 'int32', probs._storage.device, false, op);
  return noGrad(() => scope(() => {
    const dev = { device: probs.device };
    const p = reshape(probs.to('float64'), [R, C]);
    // the weights must be a distribution: finite, non-negative, some nonzero in every row (and
    // enough of them to draw without replacement)
    const bad = logicalOr(lt(p, 0), logicalNot(isfinite(p)));
    // both checks in one read: one host-device sync, not two
    const [hasBad, fewest] = stack([any(bad).to('float64'), amin(sum(ne(p, 0), 1)).to('float64')]).dataSync();
    if (hasBad) throw new ValueError(`${op}: probs must be finite and non-negative (it has a negative, NaN or infinite entry)`);
    if (fewest === 0) throw new ValueError(`${op}: every row of probs must have a nonzero weight (a row sums to 0)`);
    if (!replacement && fewest < numSamples) {
      throw new ValueError(`${op}: cannot draw ${String(numSamples)} distinct samples from a row with ${String(fewest)} nonzero weights (replacement is false)`);
    }
    let idx: Tensor;
    if (replacement || numSamples === 1) {
      // inverse CDF: the index of the first cumulative weight above u·total = how many are <= it
      const cdf = cumsum(p, 1);
      const u = mul(rand([R, numSamples], { dtype: 'float64', ...dev }), narrow(cdf, 1, C - 1, 1));
      const count = sum(le(unsqueeze(cdf, 1), unsqueeze(u, 2)), 2);
      idx = clamp(count, 0, C - 1);
    } else {
      // Gumbel top-k: the k largest log(p) + Gumbel noise are k draws without replacement
      const g = neg(log(neg(log(rand([R, C], { dtype: 'float64', ...dev })))));
      idx = topk(add(log(p), g), numSamples, 1).indices;
    }
    return reshape(idx.dtype === 'int32' ? idx : idx.to('int32'), outShape);
  }));
}

declare module '../tensor' {
  interface Tensor {
    /** Fills this floating tensor with uniform values in [from, to) in place: `w.uniform_(-0.1, 0.1)`. */
    uniform_(from?: number, to?: number): Tensor;
    /** Fills this floating tensor with normal values in place: `w.normal_(0, 0.02)`. */
    normal_(mean?: number, std?: number): Tensor;
    /** Fills this tensor with 0/1 draws of probability p (a number, or a tensor broadcast to this shape) in place. */
    bernoulli_(p?: number | Tensor): Tensor;
    /** 0/1 draws with this tensor's values as probabilities (see `fl.bernoulli`). */
    bernoulli(): Tensor;
    /** See {@link multinomial}: `probs.multinomial(1)`. */
    multinomial(numSamples: number, replacement?: boolean): Tensor;
  }
}
Tensor.prototype.uniform_ = function (from = 0, to = 1) { if (arguments.length > 2) tooManyArgs('uniform_', 'from, to', arguments); return uniformInto(needTensor(this, 'uniform_'), from, to, 'uniform_'); };
Tensor.prototype.normal_ = function (mean = 0, std = 1) { if (arguments.length > 2) tooManyArgs('normal_', 'mean, std', arguments); return normalInto(needTensor(this, 'normal_'), mean, std, 'normal_'); };
Tensor.prototype.bernoulli_ = function (p: number | Tensor = 0.5) { if (arguments.length > 1) tooManyArgs('bernoulli_', 'p', arguments); return bernoulliInto(needTensor(this, 'bernoulli_'), p, 'bernoulli_'); };
Tensor.prototype.bernoulli = function () { if (arguments.length > 0) tooManyArgs('bernoulli', '', arguments); return bernoulli(this); };
Tensor.prototype.multinomial = function (n, replacement) { if (arguments.length > 2) tooManyArgs('multinomial', 'numSamples, replacement', arguments); return multinomial(this, n, replacement); };
