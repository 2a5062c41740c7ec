// arity.ts — the fixed-arity check that every op and Tensor method runs, in a leaf module (it
// imports only errors.ts), so that the lowest layers (dtype.ts, tensor.ts) can use it without an
// import cycle through the signature machinery of args.ts, which needs Tensor and DType.
import { ValueError } from './errors';

/** A short, JSON-free description of an argument for an error message. */
export function describeArg(v: unknown): string {
  if (typeof v === 'string') return `'${v.length > 60 ? `${v.slice(0, 40)}…` : v}'`;
  if (typeof v === 'symbol' || typeof v === 'bigint') return typeof v === 'bigint' ? `${String(v)}n` : String(v);
  if (Array.isArray(v)) return `[${v.map(describeArg).join(', ')}]`;
  if (v === null || typeof v !== 'object') return String(v);
  const shape = (v as { shape?: unknown }).shape;
  if (v.constructor?.name === 'Tensor' && Array.isArray(shape)) return `a Tensor of shape [${shape.join(', ')}]`;
  return v.constructor && v.constructor !== Object ? `a ${String(v.constructor.name)}` : 'an object';
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
