// generator.ts — torch.Generator (`fl.Generator`), the process's default generator and its seeding
// functions (torch.manual_seed, torch.seed, torch.random.*, torch.random.fork_rng, torch.cuda's
// manual_seed / seed / get_rng_state …).
//
// A Generator is a Philox stream: a (seed, offset) pair (lib/ops/random.ts draws element i of an op
// from Philox block offset + i under key seed, then advances offset by the op's element count). The
// process-wide stream is `defaultGenerator`, which `fl.manualSeed` seeds; a random op given
// `{ generator: g }` draws from g's pair instead and advances only g. So two generators with the same
// seed give the same numbers, and neither moves the other or the default stream.
//
// Devices, and where this differs from torch. A Generator has a device type as torch's does ('cpu' or
// 'cuda'), and an op refuses a generator of the other type ("Expected a 'cuda' device type for
// generator but found 'cpu'"), as torch does. But the Philox kernels are the same on every backend,
// so a generator's numbers do not depend on its device, and the process has ONE default stream, shared
// by the CPU and every GPU (DESIGN.md: `manualSeed(s)` gives the same `randn` on every backend). So
// `fl.cuda.manualSeed`, `fl.cuda.manualSeedAll` and `fl.cuda.seed` seed that shared stream (torch's
// seed only the GPUs' generators), and `fl.cuda.getRngState` / `setRngState` read and write it.
//
// State. `Generator.getState()` returns a CPU uint8 tensor of 16 bytes, the seed then the offset, each
// a little-endian uint64 (torch's is a uint8 tensor too, of another layout); `setState` takes that
// tensor (or a `{ seed, offset }` object as `fl.getRngState()` returns). Seeds and offsets are
// integers in [0, 2^53), JavaScript's exact integers.
import { randomBytes } from 'crypto';
import * as A from './args';
import { isPlainObject, optional, signature } from './args';
import { describeArg, tooManyArgs } from './arity';
import { CPU, DeviceSpec, parseDevice } from './device';
import { DeviceError, DTypeError, ShapeError, ValueError } from './errors';
import { tensor } from './ops/creation';
import { Tensor } from './tensor';

/**
 * The seed a generator starts with when the program sets none: PyTorch's default seed (of its
 * default generator and of a new `torch.Generator()`), so an unseeded program repeats from run to run.
 */
export const DEFAULT_SEED = 67280421310721;

/** A generator's state as a plain object: the Philox key (`seed`) and the number of 128-bit blocks drawn so far. */
export interface RngState {
  seed: number;
  offset: number;
}

/** Options of `new fl.Generator(…)`. */
export interface GeneratorOptions {
  /** The device type of the tensors it fills: `'cpu'` (default), `'cuda'` or `'cuda:N'`. */
  device?: string;
}

const TWO32 = 4294967296;
const STATE_BYTES = 16;

function checkSafeUint(v: unknown, what: string, op: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw new ValueError(`${String(op)}: ${String(what)} must be an integer in [0, 2^53), got ${describeArg(v)}`);
  }
  return v;
}

/** A non-deterministic seed in [0, 2^53) (torch.seed's 64-bit seed, cut to JavaScript's exact integers). */
function freshSeed(): number {
  const b = randomBytes(8);
  return (b.readUInt32LE(4) & 0x1fffff) * TWO32 + b.readUInt32LE(0);
}

/** Reads a state given as a 16-byte uint8 tensor (getState's) or a `{ seed, offset }` object. */
function readState(s: unknown, op: string): RngState {
  if (s instanceof Tensor) {
    if (s.dtype !== 'uint8') throw new DTypeError(`${op}: the RNG state must be a uint8 tensor (as getState() returns), got dtype ${String(s.dtype)}`);
    if (s.ndim !== 1 || s.shape[0] !== STATE_BYTES) {
      throw new ShapeError(`${op}: the RNG state must be a uint8 tensor of shape [${STATE_BYTES}] (as getState() returns), got shape [${s.shape.join(', ')}]`);
    }
    const b = Buffer.from(s.dataSync() as Uint8Array);
    const word = (at: number, what: string): number => {
      const lo = b.readUInt32LE(at), hi = b.readUInt32LE(at + 4);
      if (hi > 0x1fffff) throw new ValueError(`${op}: the RNG state's ${what} is not below 2^53 (not a state getState() made)`);
      return hi * TWO32 + lo;
    };
    return { seed: word(0, 'seed'), offset: word(8, 'offset') };
  }
  if (s === null || typeof s !== 'object') {
    throw new ValueError(`${op}: expected a uint8 state tensor (as getState() returns) or a { seed, offset } object, got ${describeArg(s)}`);
  }
  return { seed: checkSafeUint((s as RngState).seed, 'seed', op), offset: checkSafeUint((s as RngState).offset, 'offset', op) };
}

const GENERATOR_ARGS = signature('Generator', ['device'], { device: optional(A.device, 'cpu') });

/**
 * A random number generator of its own (torch.Generator): give it to a random function as
 * `{ generator: g }` and that call draws from g alone, advancing only g.
 * ```ts
 * const g = new fl.Generator().manualSeed(0);
 * const x = fl.randn([3], { generator: g });   // the same values every run; fl.randn's stream is untouched
 * ```
 */
export class Generator {
  /** @internal The Philox key and offset, advanced in place by each draw. */
  readonly _state: RngState = { seed: DEFAULT_SEED, offset: 0 };
  /** @internal */
  readonly _spec: DeviceSpec;

  constructor(options?: GeneratorOptions);
  constructor(device: string);
  constructor(...args: unknown[]) {
    const o = GENERATOR_ARGS.parse(args);
    this._spec = parseDevice(o.device, 'Generator');
  }

  /** The device of the tensors it fills: `'cpu'` or `'cuda:N'`. `g.device // 'cpu'` */
  get device(): string { return this._spec.name; }

  /**
   * Seeds it and restarts its stream; returns it, as torch's `manual_seed`:
   * `const g = new fl.Generator().manualSeed(42);`
   */
  manualSeed(seed: number): this {
    if (arguments.length > 1) tooManyArgs('Generator.manualSeed', 'seed', arguments);
    this._state.seed = checkSafeUint(seed, 'seed', 'Generator.manualSeed');
    this._state.offset = 0;
    return this;
  }

  /** Seeds it with a non-deterministic seed, which it returns: `const s = g.seed();` */
  seed(): number {
    if (arguments.length > 0) tooManyArgs('Generator.seed', '', arguments);
    const s = freshSeed();
    this._state.seed = s;
    this._state.offset = 0;
    return s;
  }

  /** The seed it was last seeded with (67280421310721 for a new one, as torch): `g.initialSeed()`. */
  initialSeed(): number {
    if (arguments.length > 0) tooManyArgs('Generator.initialSeed', '', arguments);
    return this._state.seed;
  }

  /**
   * Its state, as a CPU uint8 tensor of 16 bytes (the seed, then the offset, each a little-endian
   * uint64), to restore later with `setState`, or to save with `fl.save`:
   * ```ts
   * const s = g.getState();
   * const a = fl.rand([2], { generator: g });
   * g.setState(s);
   * const b = fl.rand([2], { generator: g });   // equal to a
   * ```
   */
  getState(): Tensor {
    if (arguments.length > 0) tooManyArgs('Generator.getState', '', arguments);
    const b = Buffer.alloc(STATE_BYTES);
    const { seed, offset } = this._state;
    b.writeUInt32LE(seed % TWO32, 0); b.writeUInt32LE(Math.floor(seed / TWO32), 4);
    b.writeUInt32LE(offset % TWO32, 8); b.writeUInt32LE(Math.floor(offset / TWO32), 12);
    return tensor(new Uint8Array(b), { dtype: 'uint8' });
  }

  /**
   * Restores a state from `getState` (a uint8 tensor of 16 bytes) or a `{ seed, offset }` object;
   * returns it, as torch's `set_state`: `g.setState(saved)`.
   */
  setState(state: Tensor | RngState): this {
    if (arguments.length > 1) tooManyArgs('Generator.setState', 'state', arguments);
    const s = readState(state, 'Generator.setState');
    this._state.seed = s.seed;
    this._state.offset = s.offset;
    return this;
  }
}

/**
 * The process's default generator (torch.default_generator): what every random function draws from
 * when it is given no `generator`, on the CPU and on every GPU. `fl.manualSeed(s)` seeds it.
 * `fl.defaultGenerator.initialSeed()`
 */
export const defaultGenerator = new Generator();

/** @internal A `generator` argument (lib/args.ts check): a fl.Generator, or null/undefined for the default stream. */
export const generatorArg: A.Check<Generator | null> = (v, where) => {
  if (v === null || v === undefined) return null;
  if (v instanceof Generator) return v;
  throw new ValueError(`${where} must be a fl.Generator, got ${describeArg(v)}`);
};

/**
 * @internal The state a random op on `device` draws from: the generator's (refused, as torch, when
 * its device type is not the tensor's), or the default stream's.
 */
export function streamFor(gen: Generator | null | undefined, device: DeviceSpec, op: string): RngState {
  if (gen === null || gen === undefined) return defaultGenerator._state;
  if (gen._spec.type !== device.type) {
    const want = device.type === CPU.type ? 'cpu' : 'cuda', have = gen._spec.type === CPU.type ? 'cpu' : 'cuda';
    throw new DeviceError(`${String(op)}: Expected a '${want}' device type for generator but found '${have}' (the tensor is on ${String(device.name)})`);
  }
  return gen._state;
}

// ---- the default stream: torch.manual_seed, torch.seed, torch.random.* ----------------------------

/**
 * Seeds the default generator and restarts its stream, as `torch.manual_seed` (it returns the default
 * generator, as torch does):
 * ```ts
 * fl.manualSeed(0);
 * const a = fl.rand([3]);
 * fl.manualSeed(0);
 * const b = fl.rand([3]);  // same values as a
 * ```
 */
export function manualSeed(seed: number): Generator {
  if (arguments.length > 1) tooManyArgs('manualSeed', 'seed', arguments);
  defaultGenerator._state.seed = checkSafeUint(seed, 'seed', 'manualSeed');
  defaultGenerator._state.offset = 0;
  return defaultGenerator;
}

/** Seeds the default generator with a non-deterministic seed and returns it, as `torch.seed`: `const s = fl.seed();` */
export function seed(): number {
  if (arguments.length > 0) tooManyArgs('seed', '', arguments);
  return defaultGenerator.seed();
}

/** The default generator's seed ({@link DEFAULT_SEED} until `manualSeed` is called): `fl.initialSeed()`. */
export function initialSeed(): number { if (arguments.length > 0) tooManyArgs('initialSeed', '', arguments); return defaultGenerator._state.seed; }

/**
 * A copy of the default generator's state (a plain `{ seed, offset }` object), to restore later with
 * `setRngState`:
 * ```ts
 * const s = fl.getRngState();
 * const a = fl.randn([4]);
 * fl.setRngState(s);
 * const b = fl.randn([4]);  // equal to a
 * ```
 */
export function getRngState(): RngState {
  if (arguments.length > 0) tooManyArgs('getRngState', '', arguments);
  return { seed: defaultGenerator._state.seed, offset: defaultGenerator._state.offset };
}

/** Restores a state returned by `getRngState` (a `{ seed, offset }` object, or a Generator's uint8 state tensor): `fl.setRngState(s)`. */
export function setRngState(s: RngState | Tensor): void {
  if (arguments.length > 1) tooManyArgs('setRngState', 'state', arguments);
  if (!(s instanceof Tensor) && (s === null || typeof s !== 'object')) throw new ValueError(`setRngState: expected { seed, offset }, got ${describeArg(s)}`);
  const r = readState(s, 'setRngState');
  defaultGenerator._state.seed = r.seed;
  defaultGenerator._state.offset = r.offset;
}

/** Options of `fl.random.forkRng`. */
export interface ForkRngOptions {
  /** The GPUs whose streams to fork (torch's `devices`): indices or 'cuda:N'; all GPUs share the one default stream here, so any list forks it. */
  devices?: readonly (number | string)[] | null;
  /** false: run `fn` without forking (default true). */
  enabled?: boolean;
}

/**
 * Runs `fn` with a fork of the default stream, as `torch.random.fork_rng`: whatever `fn` draws, the
 * default generator's state is restored when it returns, throws, or (for an async `fn`) when its
 * promise settles; its result is returned. The default stream is shared by the CPU and the GPUs, so
 * this forks every device's. (While an async `fn` waits, other code drawing from the default stream
 * draws from the fork, and its draws are undone too.)
 * ```ts
 * const augmented = fl.random.forkRng(() => { fl.manualSeed(1); return fl.rand([3]); });   // fl.rand's stream is unchanged after
 * ```
 */
export function forkRng<T>(fn: () => T, options?: ForkRngOptions): T {
  const op = 'random.forkRng';
  if (arguments.length > 2) tooManyArgs(op, 'fn, options', arguments);
  if (typeof fn !== 'function') throw new ValueError(`${op}: fn must be a function, got ${describeArg(fn)}`);
  A.checkKeys(op, options, ['devices', 'enabled']);
  const enabled = options?.enabled ?? true;
  if (typeof enabled !== 'boolean') throw new ValueError(`${op}: enabled must be a boolean, got ${describeArg(enabled)}`);
  const devices = options?.devices ?? null;
  if (devices !== null) {
    if (!Array.isArray(devices)) throw new ValueError(`${op}: devices must be an array of GPU indices or 'cuda:N' names, got ${describeArg(devices)}`);
    devices.forEach((d: unknown, i) => {
      if (!(typeof d === 'number' && Number.isInteger(d) && d >= 0) && !(typeof d === 'string' && /^cuda(:\d+)?$/.test(d))) {
        throw new ValueError(`${op}: devices[${i}] must be a GPU index or 'cuda:N', got ${describeArg(d)}`);
      }
    });
  }
  if (!enabled) return fn();
  const saved = getRngState();
  const restore = (): void => { defaultGenerator._state.seed = saved.seed; defaultGenerator._state.offset = saved.offset; };
  let result: T;
  try { result = fn(); } catch (e) { restore(); throw e; }
  if (result instanceof Promise) return result.finally(restore) as unknown as T;
  restore();
  return result;
}

/**
 * `torch.random`: the default generator's seeding and state, and `forkRng`.
 * ```ts
 * fl.random.manualSeed(0);
 * fl.random.forkRng(() => fl.rand([2]));
 * ```
 */
export const random = { manualSeed, seed, initialSeed, getRngState, setRngState, forkRng, defaultGenerator };

// ---- torch.cuda's seeding: the GPUs draw from the default stream --------------------------------

function cudaSeed(op: string, seedValue: unknown): void {
  defaultGenerator._state.seed = checkSafeUint(seedValue, 'seed', op);
  defaultGenerator._state.offset = 0;
}
function checkCudaDevice(device: unknown, op: string): void {
  if (device === undefined || device === null) return;
  if (!(typeof device === 'number' && Number.isInteger(device) && device >= 0) && !(typeof device === 'string' && /^cuda(:\d+)?$/.test(device))) {
    throw new ValueError(`${op}: device must be a GPU index or 'cuda:N', got ${describeArg(device)}`);
  }
}

/**
 * torch.cuda's seeding functions. The GPUs draw from the process's one default stream (the same
 * Philox numbers as the CPU), so these seed and read that stream, which the CPU shares (torch's
 * seed only the GPUs' own generators); they work on a host without a GPU too.
 */
export const cudaRandom = {
  /** Seeds the stream the GPUs draw from (shared with the CPU here): `fl.cuda.manualSeed(0)`. */
  manualSeed(seed: number): void { if (arguments.length > 1) tooManyArgs('cuda.manualSeed', 'seed', arguments); cudaSeed('cuda.manualSeed', seed); },
  /** Seeds the stream of every GPU (one shared stream here): `fl.cuda.manualSeedAll(0)`. */
  manualSeedAll(seed: number): void { if (arguments.length > 1) tooManyArgs('cuda.manualSeedAll', 'seed', arguments); cudaSeed('cuda.manualSeedAll', seed); },
  /** Seeds the GPUs' stream with a non-deterministic seed, as torch.cuda.seed (returns nothing, as torch): `fl.cuda.seed()`. */
  seed(): void { if (arguments.length > 0) tooManyArgs('cuda.seed', '', arguments); defaultGenerator.seed(); },
  /** As `fl.cuda.seed`, for every GPU: `fl.cuda.seedAll()`. */
  seedAll(): void { if (arguments.length > 0) tooManyArgs('cuda.seedAll', '', arguments); defaultGenerator.seed(); },
  /** The seed of the GPUs' stream: `fl.cuda.initialSeed()`. */
  initialSeed(): number { if (arguments.length > 0) tooManyArgs('cuda.initialSeed', '', arguments); return defaultGenerator._state.seed; },
  /** The state of GPU `device`'s stream (the shared default stream), as `fl.getRngState()`: `fl.cuda.getRngState()`. */
  getRngState(device?: number | string): RngState {
    if (arguments.length > 1) tooManyArgs('cuda.getRngState', 'device', arguments);
    checkCudaDevice(device, 'cuda.getRngState');
    return { seed: defaultGenerator._state.seed, offset: defaultGenerator._state.offset };
  },
  /** Restores the state of GPU `device`'s stream (the shared default stream): `fl.cuda.setRngState(s)`. */
  setRngState(state: RngState | Tensor, device?: number | string): void {
    if (arguments.length > 2) tooManyArgs('cuda.setRngState', 'state, device', arguments);
    checkCudaDevice(device, 'cuda.setRngState');
    const r = readState(state, 'cuda.setRngState');
    defaultGenerator._state.seed = r.seed;
    defaultGenerator._state.offset = r.offset;
  },
  /** The states of every GPU's stream (one per GPU, all the shared stream): `fl.cuda.getRngStateAll()`. */
  getRngStateAll(): RngState[] {
    if (arguments.length > 0) tooManyArgs('cuda.getRngStateAll', '', arguments);
    return [{ seed: defaultGenerator._state.seed, offset: defaultGenerator._state.offset }];
  },
  /** Restores what `getRngStateAll` returned: `fl.cuda.setRngStateAll(states)`. */
  setRngStateAll(states: readonly (RngState | Tensor)[]): void {
    if (arguments.length > 1) tooManyArgs('cuda.setRngStateAll', 'states', arguments);
    if (!Array.isArray(states) || states.length === 0) throw new ValueError(`cuda.setRngStateAll: expected a non-empty array of states, got ${describeArg(states)}`);
    const r = readState(states[0], 'cuda.setRngStateAll');
    defaultGenerator._state.seed = r.seed;
    defaultGenerator._state.offset = r.offset;
  },
};

/** @internal The Tensor methods' arguments: up to the named positionals, then an optional `{ generator }` object. */
export function takeGeneratorOption(op: string, args: ArrayLike<unknown>, params: string): { positional: unknown[]; generator: Generator | null } {
  const all = Array.from(args);
  let options: unknown;
  if (all.length > 0 && isPlainObject(all[all.length - 1])) options = all.pop();
  const n = params === '' ? 0 : params.split(',').length;
  if (all.length > n) tooManyArgs(op, params, args);
  A.checkKeys(op, options, ['generator']);
  const generator = generatorArg((options as { generator?: unknown } | undefined)?.generator, `${op}: generator`);
  return { positional: all, generator };
}
