// random.ts — random tensors (`rand`, `randn`, `randint`, `randperm`, `normal`, `bernoulli`,
// `multinomial`, the `*Like` forms and in-place `uniform_`/`normal_`/`bernoulli_`).
//
// Numbers come from the counter-based Philox4x32-10 stream described in native/core/philox.h.
// A stream is a (seed, offset) pair kept in JavaScript (lib/generator.ts): the default generator's,
// one for the whole process and every device, or a `fl.Generator`'s given as `{ generator }`.
// Element i of an op's output draws Philox block (offset + i) under key seed, and the op then
// advances offset by its element count. So `manualSeed(s)` gives the same numbers whatever the
// thread count, and the same stream on every backend.
import { describeArg } from '../arity';
import { checkDType, componentDType, DType, isComplexDType, isFloating } from '../dtype';
import { getDefaultDtype } from '../defaults';
import { parseDevice, sameDevice } from '../device';
import { Generator, generatorArg, streamFor, takeGeneratorOption } from '../generator';
import { DeviceError, DTypeError, ShapeError, ValueError } from '../errors';
import { call, opId } from '../native';
import { captureState, refuseInCapture } from '../capture';
import { broadcastShapes, broadcastStrides, checkShape, contiguousStrides, fmt } from '../shape';
import { markZeroGradient, needsGrad, noGrad, record } from '../autograd';
import { contiguousCopy, copyInto, emptyTensor, scope, Tensor } from '../tensor';
import { add, clamp, ge, isfinite, le, log, logicalNot, logicalOr, lt, mul, ne, neg, refuseInternalOverlap } from './elementwise';
import { amin, any, sum } from './reduce';
import { cumsum } from './softmax';
import { topk } from './sort';
import { narrow, reshape, stack, unsqueeze } from './views';
import * as A from '../args';
import { isPlainObject, optional, required, signature } from '../args';
import { FACTORY_KEYWORDS, LikeOptions, likeSignature, TensorOptions, withGrad } from './factory';

// the default generator and its seeding live in lib/generator.ts; fl.manualSeed & co. are exported from here
export { DEFAULT_SEED, Generator, defaultGenerator, manualSeed, seed, initialSeed, getRngState, setRngState } from '../generator';
export type { RngState, GeneratorOptions } from '../generator';

const UNIFORM = opId('randomUniform');
const NORMAL = opId('randomNormal');
const RANDINT = opId('randomInt');
const BERNOULLI = opId('bernoulli');
const RANDPERM = opId('randperm');
const PHILOX_RAW = opId('philoxRaw');

const TWO32 = 4294967296;

/** Options of the random creation functions: the factory keywords and torch's `generator`. */
export interface RandomOptions extends TensorOptions {
  /** Draw from this generator (advancing it) instead of the default stream; its device type must be the result's. */
  generator?: Generator | null;
}
/** The `generator` keyword of every random function. */
const GENERATOR_KEYWORD = { generator: optional(generatorArg, null) };
const RANDOM_KEYWORDS = { ...FACTORY_KEYWORDS, ...GENERATOR_KEYWORD };

/** Runs kernel `id` into t (through a contiguous temporary when t is a view), then advances the stream (gen's, or the default). */
function draw(t: Tensor, id: number, op: string, extra: number[], gen: Generator | null, inputs: Tensor[] = []): Tensor {
  const state = streamFor(gen, t._storage.device, op);
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
/** The tensor an in-place draw writes: not an expanded view (torch refuses those too). */
function inPlaceTarget(t: unknown, op: string): Tensor {
  const x = needTensor(t, op);
  refuseInternalOverlap(x, op);
  return x;
}
function finite(v: unknown, what: string, op: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValueError(`${String(op)}: ${String(what)} must be a finite number, got ${describeArg(v)}`);
  return v;
}

function uniformInto(t: Tensor, from: number, to: number, op: string, gen: Generator | null): Tensor {
  needFloat(t.dtype, op);
  finite(from, 'from', op); finite(to, 'to', op);
  if (from > to) throw new ValueError(`${String(op)}: expected from <= to, got from=${String(from)} > to=${String(to)}`);
  return draw(t, UNIFORM, op, [from, to], gen);
}
function normalInto(t: Tensor, mean: number, std: number, op: string, gen: Generator | null): Tensor {
  needFloat(t.dtype, op);
  finite(mean, 'mean', op); finite(std, 'std', op);
  if (std < 0) throw new ValueError(`${String(op)}: expected std >= 0, got ${String(std)}`);
  return draw(t, NORMAL, op, [mean, std], gen);
}

const RAND_ARGS = signature('rand', [], RANDOM_KEYWORDS);
const RANDN_ARGS = signature('randn', [], RANDOM_KEYWORDS);
/** PyTorch's `*size` then the keyword options, for rand/randn (`(2, 3)`, `([2, 3], { generator })`). */
export type RandomSizeArgs = [size: number | readonly number[], options?: RandomOptions] | [...size: number[], options: RandomOptions] | number[];
function randomSizedArgs(sig: typeof RAND_ARGS, args: readonly unknown[]) {
  const { sizes, rest } = A.takeSizes(sig.fn, args);
  return { ...sig.parse(rest), shape: checkShape(sizes, sig.fn) };
}

/**
 * Uniform values in [0, 1) (the default dtype, float32, unless `dtype` says otherwise; floating dtypes only):
 * `fl.rand(2, 3)`, `fl.rand([2, 3])`, `fl.rand(5, { dtype: 'float64', generator: g })`.
 */
export function rand(...args: RandomSizeArgs): Tensor {
  const o = randomSizedArgs(RAND_ARGS, args);
  return create(o.shape, o, getDefaultDtype(), 'rand', (t) => uniformInto(t, 0, 1, 'rand', o.generator));
}

/** Standard normal values (mean 0, std 1): `fl.randn(128, 64)`, `fl.randn([2], { requiresGrad: true, generator: g })`. */
export function randn(...args: RandomSizeArgs): Tensor {
  const o = randomSizedArgs(RANDN_ARGS, args);
  if (o.dtype !== undefined && isComplexDType(checkDType(o.dtype, 'randn'))) {
    // as torch's complex randn: the real and imaginary parts each N(0, 1/2), so that E|z|² = 1
    const parts = create(o.shape.concat(2), { ...o, dtype: componentDType(o.dtype), requiresGrad: false }, 'float32', 'randn', (t) => normalInto(t, 0, Math.SQRT1_2, 'randn', o.generator));
    const z = new Tensor(parts._storage, o.shape, contiguousStrides(o.shape), 0, o.dtype);
    parts.dispose();
    return withGrad(z, o.requiresGrad);
  }
  return create(o.shape, o, getDefaultDtype(), 'randn', (t) => normalInto(t, 0, 1, 'randn', o.generator));
}

const numberOrTensor: A.Check<number | Tensor> = (v, where) => {
  if (v instanceof Tensor || typeof v === 'number') return v;
  throw new ValueError(`${where} must be a number or a Tensor, got ${describeArg(v)}`);
};
const NORMAL_ARGS = signature('normal', ['mean', 'std', 'size'], {
  mean: required(numberOrTensor), std: optional(numberOrTensor, 1), size: optional(A.anyValue<number | readonly number[]>()), ...RANDOM_KEYWORDS,
});

/** A zero gradient shaped as t (torch's normal: its values do not depend on mean and std through a gradient). */
function zeroGradFor(v: unknown): Tensor | null {
  return v instanceof Tensor && v._requiresGrad ? markZeroGradient(emptyTensor(v._shape, v.dtype, v._storage.device, true, 'backward')) : null;
}

/** normal with a tensor mean or std: mean + std · N(0, 1), of their broadcast shape, in the tensor's dtype (mean's when both). */
function normalTensors(mean: number | Tensor, std: number | Tensor, gen: Generator | null): Tensor {
  const op = 'normal';
  if (mean instanceof Tensor) { needTensor(mean, op); needFloat(mean.dtype, op); } else finite(mean, 'mean', op);
  if (std instanceof Tensor) {
    needTensor(std, op);
    if (!(mean instanceof Tensor)) needFloat(std.dtype, op);
  } else {
    finite(std, 'std', op);
    if (std < 0) throw new ValueError(`${op}: expected std >= 0, got ${String(std)}`);
  }
  const ref = (mean instanceof Tensor ? mean : std) as Tensor;
  if (mean instanceof Tensor && std instanceof Tensor && !sameDevice(mean._storage.device, std._storage.device)) {
    throw new DeviceError(`${op}: mean is on ${String(mean._storage.device.name)} and std on ${String(std._storage.device.name)}`);
  }
  const shape = broadcastShapes(op, mean instanceof Tensor ? mean._shape : [], std instanceof Tensor ? std._shape : []);
  const dtype = ref.dtype;
  const out = noGrad(() => scope(() => {
    // torch checks every element of a std tensor (NaN included): one host read
    if (std instanceof Tensor && std.numel > 0 && any(logicalNot(ge(std, 0))).item()) {
      throw new ValueError(`${op}: expected all elements of std >= 0 (std of shape ${fmt(std._shape)} has a negative or NaN element)`);
    }
    const eps = randn(shape, { dtype, device: ref.device, generator: gen });
    const y = add(mul(eps, std), mean);
    return y.dtype === dtype ? y : y.to(dtype);
  }));
  if (needsGrad(mean, std)) record(op, [mean, std], [out], [], () => [zeroGradFor(mean), zeroGradFor(std)]);
  return out;
}

/**
 * Normal values, as `torch.normal`'s four forms: numbers `mean` and `std` with a `size` (the default
 * dtype unless `dtype` says otherwise), or a tensor `mean` and/or `std` (a number std defaults to 1):
 * values mean + std · N(0, 1) of their broadcast shape, in the tensor's dtype (mean's when both are
 * tensors), on its device, with zero gradients to mean and std (torch's).
 * ```ts
 * fl.normal(10, 2, [1000]);
 * fl.normal(mu, sigma, { generator: g });   // one draw per element of mu and sigma
 * ```
 */
export function normal(mean: number, std: number, size: number | readonly number[], options?: RandomOptions): Tensor;
export function normal(mean: Tensor, std?: Tensor | number, options?: GeneratorOption): Tensor;
export function normal(mean: Tensor, options?: GeneratorOption): Tensor;
export function normal(mean: number, std: Tensor, options?: GeneratorOption): Tensor;
export function normal(...args: unknown[]): Tensor {
  const o = NORMAL_ARGS.parse(args);
  if (!(o.mean instanceof Tensor) && !(o.std instanceof Tensor)) {
    if (o.size === undefined) throw new ValueError('normal: with a number mean and std, size is required (torch.normal(mean, std, size)); or give a tensor mean or std');
    const mean = o.mean, std = o.std;
    return create(o.size, o, getDefaultDtype(), 'normal', (t) => normalInto(t, mean, std, 'normal', o.generator));
  }
  if (o.size !== undefined) throw new ValueError('normal: size is taken only with a number mean and std; with a tensor mean or std the result has their broadcast shape');
  if (o.dtype !== undefined || o.device !== undefined || o.pinned || o.requiresGrad) {
    throw new ValueError('normal: dtype, device, pinned and requiresGrad are taken only with a number mean and std (the size form); with a tensor mean or std the result takes its dtype and device');
  }
  return normalTensors(o.mean, o.std, o.generator);
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
  complex64: [-16777216, 16777216], complex128: [-(2 ** 53), 2 ** 53],
};

function randintInto(t: Tensor, low: number, high: number, op: string, gen: Generator | null): Tensor {
  if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high)) {
    throw new ValueError(`${String(op)}: low and high must be integers, got low=${String(low)}, high=${String(high)}`);
  }
  if (low >= high) throw new ValueError(`${String(op)}: expected low < high, got low=${String(low)}, high=${String(high)}`);
  const [mn, mx] = INT_RANGE[t.dtype];
  if (low < mn || high - 1 > mx) {
    throw new ValueError(`${String(op)}: range [${String(low)}, ${String(high)}) does not fit dtype ${String(t.dtype)} (values ${String(mn)}..${String(mx)})`);
  }
  return draw(t, RANDINT, op, [low, high], gen);
}

const RANDINT_ARGS = signature('randint', ['low', 'high', 'size'], {
  low: optional(A.num(), 0), high: required(A.num()), size: required(A.anyValue<number | readonly number[]>()), ...RANDOM_KEYWORDS,
});

/**
 * Integers uniform in [low, high) (int32 unless `dtype` says otherwise), as `torch.randint`.
 * With two leading numbers the call is `(low, high, shape)`; with one it is `(high, shape)`:
 * ```ts
 * fl.randint(0, 10, [3, 3]);
 * fl.randint(6, [100]);           // dice faces 0..5
 * fl.randint(0, 10, [3], { generator: g });
 * ```
 */
export function randint(high: number, size: number | readonly number[], options?: RandomOptions): Tensor;
export function randint(low: number, high: number, size: number | readonly number[], options?: RandomOptions): Tensor;
export function randint(...args: unknown[]): Tensor {
  // PyTorch's randint(low=0, high, size): with two positional arguments they are (high, size).
  const nPos = args.length - (isPlainObject(args[args.length - 1]) ? 1 : 0);
  const o = RANDINT_ARGS.parse(nPos === 2 ? [0, ...args] : args);
  return create(o.size, o, 'int32', 'randint', (t) => randintInto(t, o.low, o.high, 'randint', o.generator));
}

const RANDPERM_ARGS = signature('randperm', ['n'], { n: required(A.int({ min: 0, max: 2147483647 })), ...RANDOM_KEYWORDS });
/**
 * A random permutation of 0..n-1 (int32 unless `dtype` says otherwise): `fl.randperm(5)`,
 * `fl.randperm(5, { generator: g })`. Each index gets a random 64-bit key and the indices are sorted by key.
 */
export function randperm(n: number, options?: RandomOptions): Tensor;
export function randperm(...args: unknown[]): Tensor {
  const o = RANDPERM_ARGS.parse(args);
  const n = o.n;
  const dtype = o.dtype ?? 'int32';
  if (n - 1 > INT_RANGE[dtype][1]) throw new ValueError(`randperm: n=${String(n)} is too large for dtype ${String(dtype)}`);
  const idx = create([n], { device: o.device, dtype: 'int32', pinned: o.pinned }, 'int32', 'randperm', (t) => draw(t, RANDPERM, 'randperm', [], o.generator));
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

/** Options of `bernoulli` and `multinomial`: torch's `generator`. */
export interface GeneratorOption {
  /** Draw from this generator (advancing it) instead of the default stream; its device type must be the input's. */
  generator?: Generator | null;
}

const BERNOULLI_ARGS = signature('bernoulli', ['input'], { input: required(A.anyValue<Tensor>()), ...GENERATOR_KEYWORD });
/**
 * 0/1 draws with probabilities `p` (a floating tensor with values in [0, 1]); the result has p's
 * shape and dtype, as `torch.bernoulli`: `fl.bernoulli(fl.full([4], 0.3))`, `fl.bernoulli(p, { generator: g })`.
 */
export function bernoulli(p: Tensor, options?: GeneratorOption): Tensor;
export function bernoulli(...args: unknown[]): Tensor {
  const o = BERNOULLI_ARGS.parse(args);
  const p = o.input;
  needTensor(p, 'bernoulli');
  needFloat(p.dtype, 'bernoulli');
  const pc = p.isContiguous() ? p : contiguousCopy(p, 'bernoulli');
  const out = emptyTensor(p._shape, p.dtype, p._storage.device, false, 'bernoulli');
  try {
    draw(out, BERNOULLI, 'bernoulli', [], o.generator, [pc]);
  } catch (e) { out.dispose(); throw e; } finally { if (pc !== p) pc.dispose(); }
  return out;
}

function bernoulliInto(t: Tensor, p: number | Tensor, op: string, gen: Generator | null): Tensor {
  if (p instanceof Tensor) {
    const pc = probabilities(p, t._shape, op);
    try { return draw(t, BERNOULLI, op, [], gen, [pc]); } finally { pc.dispose(); }
  }
  finite(p, 'p', op);
  if (p < 0 || p > 1) throw new ValueError(`${String(op)}: expected 0 <= p <= 1, got ${String(p)}`);
  return draw(t, BERNOULLI, op, [p], gen);
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

const MULTINOMIAL_ARGS = signature('multinomial', ['input', 'numSamples', 'replacement'], {
  input: required(A.anyValue<Tensor>()), numSamples: required(A.anyValue<number>()), replacement: optional(A.anyValue<boolean>(), false), ...GENERATOR_KEYWORD,
});
/**
 * Draws `numSamples` category indices (int32) from each row of `probs` (1-D [C] or 2-D [R, C],
 * non-negative weights, not necessarily normalised), as `torch.multinomial`: with `replacement`
 * each draw is independent; without it (the default, as PyTorch) a row's draws are distinct and
 * `numSamples` may not exceed its number of nonzero weights. Follows `manualSeed`, or draws from
 * `generator`. Checks the weights on the host first (a sync on a GPU), as PyTorch's CPU version does.
 *
 * ```ts
 * const next = fl.multinomial(fl.softmax(logits, -1), 1);   // sample the next token
 * ```
 */
export function multinomial(probs: Tensor, numSamples: number, replacement?: boolean, options?: GeneratorOption): Tensor;
export function multinomial(probs: Tensor, numSamples: number, options?: GeneratorOption): Tensor;
export function multinomial(...args: unknown[]): Tensor {
  const a = MULTINOMIAL_ARGS.parse(args);
  const probs = a.input, numSamples = a.numSamples, replacement = a.replacement, generator = a.generator;
  const op = 'multinomial';
  needTensor(probs, op);
  needFloat(probs.dtype, op);
  if (probs.ndim !== 1 && probs.ndim !== 2) throw new ShapeError(`${op}: probs must be 1-D or 2-D, got shape ${fmt(probs._shape)}`);
  if (typeof numSamples !== 'number' || !Number.isInteger(numSamples) || numSamples <= 0) {
    throw new ValueError(`${op}: numSamples must be a positive integer, got ${describeArg(numSamples)}`);
  }
  if (typeof replacement !== 'boolean') throw new ValueError(`${op}: replacement must be a boolean, got ${describeArg(replacement)}`);
  streamFor(generator, probs._storage.device, op);  // a generator of the wrong device type is refused before the checks read the weights
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
      const u = mul(rand([R, numSamples], { dtype: 'float64', ...dev, generator }), narrow(cdf, 1, C - 1, 1));
      const count = sum(le(unsqueeze(cdf, 1), unsqueeze(u, 2)), 2);
      idx = clamp(count, 0, C - 1);
    } else {
      // Gumbel top-k: the k largest log(p) + Gumbel noise are k draws without replacement
      const g = neg(log(neg(log(rand([R, C], { dtype: 'float64', ...dev, generator })))));
      idx = topk(add(log(p), g), numSamples, 1).indices;
    }
    return reshape(idx.dtype === 'int32' ? idx : idx.to('int32'), outShape);
  }));
}

declare module '../tensor' {
  interface Tensor {
    /** Fills this floating tensor with uniform values in [from, to) in place: `w.uniform_(-0.1, 0.1)`, `w.uniform_(0, 1, { generator: g })`. */
    uniform_(from?: number, to?: number, options?: GeneratorOption): Tensor;
    uniform_(options: GeneratorOption): Tensor;
    /** Fills this floating tensor with normal values in place: `w.normal_(0, 0.02)`, `w.normal_(0, 1, { generator: g })`. */
    normal_(mean?: number, std?: number, options?: GeneratorOption): Tensor;
    normal_(options: GeneratorOption): Tensor;
    /** Fills this tensor with 0/1 draws of probability p (a number, or a tensor broadcast to this shape) in place: `m.bernoulli_(0.5, { generator: g })`. */
    bernoulli_(p?: number | Tensor, options?: GeneratorOption): Tensor;
    bernoulli_(options: GeneratorOption): Tensor;
    /** 0/1 draws with this tensor's values as probabilities (see `fl.bernoulli`): `p.bernoulli({ generator: g })`. */
    bernoulli(options?: GeneratorOption): Tensor;
    /** See {@link multinomial}: `probs.multinomial(1)`. */
    multinomial(numSamples: number, replacement?: boolean, options?: GeneratorOption): Tensor;
    multinomial(numSamples: number, options: GeneratorOption): Tensor;
  }
}
Tensor.prototype.uniform_ = function (...args: unknown[]) {
  const { positional: [from = 0, to = 1], generator } = takeGeneratorOption('uniform_', args, 'from, to');
  return uniformInto(inPlaceTarget(this, 'uniform_'), from as number, to as number, 'uniform_', generator);
};
Tensor.prototype.normal_ = function (...args: unknown[]) {
  const { positional: [mean = 0, std = 1], generator } = takeGeneratorOption('normal_', args, 'mean, std');
  return normalInto(inPlaceTarget(this, 'normal_'), mean as number, std as number, 'normal_', generator);
};
Tensor.prototype.bernoulli_ = function (...args: unknown[]) {
  const { positional: [p = 0.5], generator } = takeGeneratorOption('bernoulli_', args, 'p');
  return bernoulliInto(inPlaceTarget(this, 'bernoulli_'), p as number | Tensor, 'bernoulli_', generator);
};
Tensor.prototype.bernoulli = function (...args: unknown[]) {
  const { generator } = takeGeneratorOption('bernoulli', args, '');
  return bernoulli(this, { generator });
};
Tensor.prototype.multinomial = function (...args: unknown[]) {
  const { positional: [n, replacement = false], generator } = takeGeneratorOption('multinomial', args, 'numSamples, replacement');
  return multinomial(this, n as number, replacement as boolean, { generator });
};
