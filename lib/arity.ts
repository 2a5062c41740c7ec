// arity.ts — the fixed-arity check that every op and Tensor method runs, in a leaf module (it
// imports only errors.ts), so that the lowest layers (dtype.ts, tensor.ts) can use it without an
// import cycle through the signature machinery of args.ts, which needs Tensor and DType.
import { ValueError } from './errors';

/**
 * A short, JSON-free description of an argument for an error message. It never throws, whatever the
 * value (a Symbol, a BigInt, arrays of them, a cyclic array, a Proxy that throws, an object whose
 * `constructor` getter or `toString` throws): the messages of errors about a user's bad value are
 * built with it, and a message that throws while being built replaces the typed error with
 * JavaScript's TypeError (test/messages-safe.test.ts keeps `String(value)` out of them).
 */
export function describeArg(v: unknown): string {
  try {
    return describe(v, 0);
  } catch {
    return 'a value that cannot be printed';  // a revoked Proxy, a getter that throws
  }
}

/**
 * The text of something caught, for a message that passes it on: `String(e)` (`'RangeError: …'`
 * for an error of another realm, such as a worker's), or its description where String() itself
 * throws (an object whose toString throws or that has no prototype, an array holding a Symbol).
 */
export function thrownText(e: unknown): string {
  try { return String(e); } catch { return describeArg(e); }
}

/** Arrays are printed to this depth and this many elements (a cyclic or huge array stays short). */
const DESCRIBE_DEPTH = 4, DESCRIBE_ITEMS = 32;

function describe(v: unknown, depth: number): string {
  if (typeof v === 'string') return `'${v.length > 60 ? `${v.slice(0, 40)}…` : v}'`;
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'symbol') return String(v);  // String() of a symbol is its description (a template literal throws)
  if (typeof v === 'function') return `a function${readSafely(() => (typeof v.name === 'string' && v.name ? ` ${v.name}` : ''), '')}`;
  if (v === null || typeof v !== 'object') return String(v);  // number, boolean, undefined
  if (Array.isArray(v)) {
    if (depth >= DESCRIBE_DEPTH) return '[…]';
    const n = v.length, items: string[] = [];
    for (let i = 0; i < Math.min(n, DESCRIBE_ITEMS); i++) {
      try { items.push(describe(v[i], depth + 1)); } catch { items.push('?'); }
    }
    if (n > DESCRIBE_ITEMS) items.push(`… ${n - DESCRIBE_ITEMS} more`);
    return `[${items.join(', ')}]`;
  }
  // an object: its class's name (a getter that throws, a Proxy's trap, leaves 'an object')
  const ctor = readSafely(() => (v as { constructor?: unknown }).constructor, undefined);
  const name = readSafely(() => (typeof ctor === 'function' && typeof ctor.name === 'string' ? ctor.name : ''), '');
  if (name === 'Tensor') {
    const shape = readSafely(() => (v as { shape?: unknown }).shape, undefined);
    const dtype = readSafely(() => (v as { dtype?: unknown }).dtype, undefined);
    if (Array.isArray(shape)) return `a ${typeof dtype === 'string' ? `${dtype} ` : ''}Tensor of shape ${describe(shape, 0)}`;
  }
  return name && ctor !== Object ? `a ${name}` : 'an object';
}

function readSafely<T>(read: () => T, otherwise: T): T {
  try { return read(); } catch { return otherwise; }
}

/** Refuses a value that is not a function where `where` needs one (a ValueError, not JS's TypeError). */
export function checkCallable(fn: unknown, where: string): void {
  if (typeof fn !== 'function') throw new ValueError(`${where}: expected a function, got ${describeArg(fn)}`);
}

/** Refuses a value that cannot be iterated where `where` needs a list (a ValueError, not JS's TypeError). */
export function checkIterable(v: unknown, where: string): void {
  if (v === null || v === undefined || typeof (v as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== 'function') {
    throw new ValueError(`${where}: expected an array or another iterable, got ${describeArg(v)}`);
  }
}

/** A path argument: a non-empty string, or a ValueError naming the op (not Node's TypeError from fs). */
export function checkPath(path: unknown, op: string): string {
  if (typeof path !== 'string' || path.length === 0) throw new ValueError(`${op}: path must be a non-empty string, got ${describeArg(path)}`);
  return path;
}

/**
 * Refuses a call with more arguments than the function declares, as Python does, so that a
 * PyTorch argument flintml lacks (`relu(x, true)`: inplace) fails instead of being dropped.
 * A function with fixed parameters calls it behind one comparison, the whole cost of a good call:
 * ```ts
 * if (arguments.length > 3) tooManyArgs('softmax', 'input, dim, dtype', arguments);
 * ```
 * `params` lists the declared parameters (a method's, after `self`), comma-separated; `hint`
 * follows the message.
 */
export function tooManyArgs(fn: string, params: string, args: ArrayLike<unknown>, hint = ''): never {
  const n = params === '' ? 0 : params.split(',').length, given = args.length;
  const takes = n === 0 ? 'takes no arguments' : `takes ${n} positional argument${n === 1 ? '' : 's'} (${params})`;
  throw new ValueError(`${fn}: ${takes} but ${given} ${given === 1 ? 'was' : 'were'} given; the extra one is ${describeArg(args[n])}${hint}`);
}
