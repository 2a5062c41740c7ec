// args.ts — PyTorch-shaped argument parsing, shared by every public function and constructor that
// takes options: positional arguments in PyTorch's order, then a trailing plain object for the
// keyword ones (the same names in camelCase), each checked by a small validator.
//
// A signature is declared once per entry point:
//
//   const SGD_ARGS = signature('SGD', ['params', 'lr', 'momentum', 'dampening', 'weightDecay', 'nesterov'], {
//     params: required(anyValue<Params>()), lr: optional(num(), 1e-3), …, maximize: optional(bool, false),
//   });
//   const o = SGD_ARGS.parse(args);   // { params, lr, momentum, …, maximize }, typed
//
// Names listed in the positional order may be passed either way; the others are keyword-only.
// As in Python: a parameter given both positionally and as a key, a missing required parameter, an
// extra positional argument and an unknown key are errors. An unknown key names the closest valid
// one, so that `{ pading: 1 }` or `{ learningRate: 0.1 }` fails loudly instead of being ignored.
// `undefined` counts as not given (so wrappers can pass `options.x` through).
//
// `takeSizes` reads PyTorch's `*size` form: `zeros(2, 3)` and `zeros([2, 3])` are the same call.
import { DType, checkDType } from './dtype';
import { describeArg, tooManyArgs } from './arity';
import { ValueError } from './errors';
import { deviceArg } from './device';
import { Tensor } from './tensor';

/** Checks one value and returns it (possibly normalised); `where` is `fn: name` for the message. */
export type Check<T> = (v: unknown, where: string) => T;

/** One parameter of a signature. */
export interface Param<T> {
  readonly check: Check<T>;
  readonly required: boolean;
  readonly dflt?: T;
}

/** A required parameter. */
export function required<T>(check: Check<T>): Param<T> { return { check, required: true }; }
/** An optional parameter: `dflt` when not given (undefined without one). */
export function optional<T>(check: Check<T>): Param<T | undefined>;
export function optional<T>(check: Check<T>, dflt: T): Param<T>;
export function optional<T>(check: Check<T>, dflt?: T): Param<T | undefined> { return { check, required: false, dflt }; }

/**
 * The TypeScript form of a PyTorch signature's tail: any prefix of the positional parameters `P`
 * (in PyTorch's order), then optionally the keyword options `O`. For `P = [stride, padding]`:
 * `()`, `(options)`, `(stride)`, `(stride, options)`, `(stride, padding)`, `(stride, padding, options)`.
 * Exported so that the declaration files can name it; not part of the API.
 */
export type ArgsThenOptions<P extends readonly unknown[], O> =
  P extends readonly [...infer Init, unknown] ? [...OrUndefined<P>, options?: O] | ArgsThenOptions<Init, O> : [options?: O];
/** Each element may be `undefined` (= not given, so that a later one can be), as in the JavaScript call. */
type OrUndefined<P extends readonly unknown[]> = { [K in keyof P]: P[K] | undefined };

type Parsed<S> = { [K in keyof S]: S[K] extends Param<infer T> ? T : never };

const show = describeArg;

/** True for `{ … }` literals (and null-prototype objects): the keyword-options object. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const p = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null;
}

// ---- validators ------------------------------------------------------------------------------

interface Range { min?: number; max?: number; gt?: number; lt?: number }
function rangeText(r: Range): string {
  const parts: string[] = [];
  if (r.gt !== undefined) parts.push(`> ${r.gt}`);
  if (r.min !== undefined) parts.push(`>= ${r.min}`);
  if (r.lt !== undefined) parts.push(`< ${r.lt}`);
  if (r.max !== undefined) parts.push(`<= ${r.max}`);
  return parts.join(' and ');
}
function inRange(v: number, r: Range): boolean {
  return !((r.min !== undefined && v < r.min) || (r.max !== undefined && v > r.max) || (r.gt !== undefined && !(v > r.gt)) || (r.lt !== undefined && !(v < r.lt)));
}

/** A number (not NaN) within the range: `num({ min: 0 })`. Infinity is allowed unless the range excludes it. */
export function num(r: Range = {}): Check<number> {
  return (v, where) => {
    if (typeof v !== 'number' || Number.isNaN(v) || !inRange(v, r)) {
      const want = rangeText(r);
      throw new ValueError(`${where} must be a number${want ? ` ${want}` : ''}, got ${show(v)}`);
    }
    return v;
  };
}
/** An integer within the range: `int({ min: 1 })`. */
export function int(r: Range = {}): Check<number> {
  return (v, where) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || !inRange(v, r)) {
      const want = rangeText(r);
      throw new ValueError(`${where} must be an integer${want ? ` ${want}` : ''}, got ${show(v)}`);
    }
    return v;
  };
}
/** A boolean (PyTorch's flags; `1`/`0` are refused, since a misplaced number usually means a misplaced argument). */
export const bool: Check<boolean> = (v, where) => {
  if (typeof v !== 'boolean') throw new ValueError(`${where} must be a boolean, got ${show(v)}`);
  return v;
};
/** One of the listed strings: `oneOf('mean', 'sum', 'none')`. */
export function oneOf<T extends string>(...values: T[]): Check<T> {
  return (v, where) => {
    if (typeof v !== 'string' || !(values as string[]).includes(v)) {
      throw new ValueError(`${where} must be one of ${values.map((x) => `'${x}'`).join(', ')}, got ${show(v)}`);
    }
    return v as T;
  };
}
/** A string. */
export const str: Check<string> = (v, where) => {
  if (typeof v !== 'string') throw new ValueError(`${where} must be a string, got ${show(v)}`);
  return v;
};
/** A dtype name. */
export const dtype: Check<DType> = (v, where) => checkDType(v, where.split(':')[0]);
/** A device string (`'cpu'`, `'cuda'`, `'cuda:1'`) or a `fl.device(…)` object (as its string); parsed later by the op. */
export const device: Check<string> = (v, where) => {
  const d = deviceArg(v);
  if (typeof d !== 'string') throw new ValueError(`${where} must be a device string such as 'cpu' or 'cuda', got ${show(v)}`);
  return d;
};
/** The dtype/device keywords of a layer's parameters (torch's `factory_kwargs`), to spread into a signature. */
export const factoryKeywords = { dtype: optional(dtype), device: optional(device) };
/** A Tensor. */
export const tensor: Check<Tensor> = (v, where) => {
  if (!(v instanceof Tensor)) throw new ValueError(`${where} must be a Tensor, got ${show(v)}`);
  return v;
};
/** A function. */
export function func<F extends (...a: never[]) => unknown>(): Check<F> {
  return (v, where) => {
    if (typeof v !== 'function') throw new ValueError(`${where} must be a function, got ${show(v)}`);
    return v as F;
  };
}
/** Anything: the function checks it itself (with its own message). */
export function anyValue<T>(): Check<T> { return (v) => v as T; }
/** `check`, or null. */
export function nullable<T>(check: Check<T>): Check<T | null> { return (v, where) => (v === null ? null : check(v, where)); }
/** Either of two forms: the first whose check passes; the second's error otherwise. */
export function either<A, B>(a: Check<A>, b: Check<B>): Check<A | B> {
  return (v, where) => { try { return a(v, where); } catch { return b(v, where); } };
}
/** An array whose elements pass `check`, optionally of a fixed length. */
export function arrayOf<T>(check: Check<T>, length?: number): Check<T[]> {
  return (v, where) => {
    if (!Array.isArray(v) || (length !== undefined && v.length !== length)) {
      throw new ValueError(`${where} must be an array${length !== undefined ? ` of ${length}` : ''}, got ${show(v)}`);
    }
    return v.map((x, i) => check(x, `${where}[${i}]`));
  };
}
/**
 * PyTorch's `_pair`/`_single`: an integer or a tuple of `n` integers, returned as an n-tuple:
 * `ints(2, { min: 1 })` turns `3` into `[3, 3]` and refuses `2.5` or `[1, 2, 3]`.
 */
export function ints(n: number, r: Range = {}): Check<number[]> {
  const one = int(r);
  return (v, where) => {
    if (typeof v === 'number') return new Array<number>(n).fill(one(v, where));
    if (!Array.isArray(v) || v.length !== n) {
      throw new ValueError(`${where} must be an integer or ${n} integers${rangeText(r) ? ` ${rangeText(r)}` : ''}, got ${show(v)}`);
    }
    return v.map((x) => one(x, where));
  };
}

// ---- suggestions -------------------------------------------------------------------------------

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}
const camel = (s: string): string => s.replace(/_+([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
const initials = (s: string): string => s.replace(/(^.|[A-Z])[a-z0-9]*/g, (_m, c: string) => c.toLowerCase());

/**
 * The valid key a user most likely meant: the camelCase form of a snake_case key, a key that is
 * its initials (`learningRate` → `lr`), else the nearest by edit distance (case-insensitive).
 */
export function closest(key: string, valid: readonly string[]): string | undefined {
  if (valid.length === 0) return undefined;
  const c = camel(key);
  if (valid.includes(c)) return c;
  const ini = valid.find((v) => v.length > 1 && v === initials(key));
  if (ini) return ini;
  let best = valid[0], bestD = Infinity;
  for (const v of valid) {
    const d = editDistance(key.toLowerCase(), v.toLowerCase());
    if (d < bestD) { best = v; bestD = d; }
  }
  return best;
}

/** Throws the ValueError for an unknown key: `Conv2d: unknown option 'pading' (did you mean 'padding'?)`. */
export function unknownOption(fn: string, key: string, valid: readonly string[]): never {
  const near = closest(key, valid);
  throw new ValueError(`${fn}: unknown option '${key}'${near ? ` (did you mean '${near}'?)` : ` (${fn} takes no options)`}`);
}

/** Checks that `options` has only the given keys (for option objects that do not go through `signature`). */
export function checkKeys(fn: string, options: unknown, valid: readonly string[]): void {
  if (options === undefined) return;
  if (!isPlainObject(options)) throw new ValueError(`${fn}: options must be a plain object, got ${show(options)}`);
  for (const k of Object.keys(options)) if (!valid.includes(k)) unknownOption(fn, k, valid);
}

// ---- fixed arity: lib/arity.ts (a leaf module, so that dtype.ts and tensor.ts can use it) ----

export { tooManyArgs };

// ---- signatures --------------------------------------------------------------------------------

/** What code outside a signature's owner needs of it (the registry, shared parsers). */
export interface AnySignature {
  readonly fn: string;
  readonly names: string[];
  readonly positional: readonly string[];
  readonly params: Readonly<Record<string, Param<unknown>>>;
  parse(args: readonly unknown[], skip?: number): Record<string, unknown>;
}

/** A declared signature: its name, positional order and parameters; `parse` checks one call. */
export class Signature<S extends Record<string, Param<unknown>>> implements AnySignature {
  /** Every parameter name, positional ones first. */
  readonly names: string[];
  // Made once, read by every parse: each name's index in `names`, each parameter, its label for the
  // checks' messages (`fn: name`) and its place in the positional order (-1: keyword-only), so a
  // call allocates nothing but its result (and, with options, one array).
  private readonly index = new Map<string, number>();
  private readonly paramList: Param<unknown>[];
  private readonly wheres: string[];
  private readonly posOf: number[];
  constructor(readonly fn: string, readonly positional: readonly (keyof S & string)[], readonly params: S) {
    for (const p of positional) if (!(p in params)) throw new Error(`signature ${fn}: positional '${p}' has no parameter`);
    this.names = Object.keys(params);
    this.names.forEach((k, j) => this.index.set(k, j));
    this.paramList = this.names.map((k) => params[k]);
    this.wheres = this.names.map((k) => `${fn}: ${k}`);
    this.posOf = this.names.map((k) => positional.indexOf(k));
    registry.set(fn, this);
  }

  /** The keyword-only and positional names a caller may pass as options keys. */
  get optionKeys(): string[] { return this.names; }

  /**
   * Checks one call: `args` are the call's arguments (a trailing plain object is the options),
   * `skip` leading positional parameters were already consumed by the caller (e.g. sizes).
   */
  parse(args: readonly unknown[], skip = 0): Parsed<S> {
    const fn = this.fn, names = this.names;
    // args[0..n) are the positional arguments (trailing undefined ones dropped when no options follow)
    let n = args.length;
    let kw: Record<string, unknown> | null = null;
    if (n > 0) {
      const last = args[n - 1];
      if (isPlainObject(last)) { kw = last; n--; }
      else if (last === undefined) { while (n > 0 && args[n - 1] === undefined) n--; }
    }
    const nslots = this.positional.length - skip;
    if (n > nslots) {
      const slots = this.positional.slice(skip);
      const extra = args[nslots];
      throw new ValueError(nslots === 0
        ? `${fn}: unexpected positional argument ${show(extra)} (pass options as an object: { ${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''} })`
        : `${fn}: takes ${nslots} positional argument${nslots === 1 ? '' : 's'} (${slots.join(', ')}) but ${n} were given; the extra one is ${show(extra)}`);
    }
    const posOf = this.posOf;
    let kwv: unknown[] | null = null;
    if (kw !== null) {
      kwv = new Array<unknown>(names.length);
      for (const k of Object.keys(kw)) {
        const j = this.index.get(k);
        if (j === undefined) unknownOption(fn, k, names);
        const v = kw[k];
        if (v === undefined) continue;
        const p = posOf[j] - skip;
        if (p >= 0 && p < n && args[p] !== undefined) throw new ValueError(`${fn}: got multiple values for argument '${k}' (positional and in the options)`);
        kwv[j] = v;
      }
    }
    const out: Record<string, unknown> = {};
    for (let j = 0; j < names.length; j++) {
      const k = names[j], prm = this.paramList[j], p = posOf[j] - skip;
      let v = p >= 0 && p < n ? args[p] : undefined;
      if (v === undefined && kwv !== null) v = kwv[j];
      if (v !== undefined) out[k] = prm.check(v, this.wheres[j]);
      else if (prm.required) {
        if (posOf[j] >= 0 && posOf[j] < skip) continue;  // consumed by the caller (e.g. sizes); a keyword-only one (posOf -1) is missing
        throw new ValueError(`${fn}: missing required argument '${k}'`);
      } else out[k] = prm.dflt;
    }
    return out as Parsed<S>;
  }
}

/** Every declared signature by name (the option-coverage test reads it). */
export const registry = new Map<string, AnySignature>();

/** Declares a signature; see the head of this file. */
export function signature<S extends Record<string, Param<unknown>>>(fn: string, positional: readonly (keyof S & string)[], params: S): Signature<S> {
  return new Signature(fn, positional, params);
}

/**
 * PyTorch's `*size`: the sizes as leading numbers (`2, 3`) or one array (`[2, 3]`), then the rest of
 * the arguments. The caller checks the values (`-1` is fine in `view`, not in `zeros`).
 * ```ts
 * takeSizes('zeros', [2, 3, { dtype }])   // { sizes: [2, 3], rest: [{ dtype }] }
 * ```
 */
export function takeSizes(fn: string, args: readonly unknown[], what = 'size'): { sizes: number[]; rest: unknown[] } {
  const first = args[0];
  let sizes: unknown[], rest: unknown[];
  if (Array.isArray(first) || (ArrayBuffer.isView(first) && !(first instanceof DataView))) {
    sizes = Array.from(first as ArrayLike<unknown>);
    rest = args.slice(1);
    if (typeof rest[0] === 'number') {
      throw new ValueError(`${fn}: ${what} must be given as numbers or as one array, not both (got ${show(first)} and then ${show(rest[0])})`);
    }
  } else {
    let n = 0;
    while (n < args.length && typeof args[n] === 'number') n++;
    if (n === 0) throw new ValueError(`${fn}: expected a ${what} (numbers or an array of numbers), got ${args.length === 0 ? 'nothing' : show(first)}`);
    sizes = args.slice(0, n);
    rest = args.slice(n);
  }
  return { sizes: sizes as number[], rest };
}

/** `takeSizes` for a method that takes nothing after the sizes (`view`, `permute`, `expand`, …). */
export function sizesOnly(fn: string, args: readonly unknown[], what = 'size'): number[] {
  const { sizes, rest } = takeSizes(fn, args, what);
  if (rest.length > 0) throw new ValueError(`${fn}: unexpected argument ${show(rest[0])} after the ${what} ${show(sizes)}`);
  return sizes;
}
