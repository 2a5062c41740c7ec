// collate.ts — turning a list of items into a batch (`defaultCollate`, as PyTorch's
// `default_collate`), and the lifetime helpers the DataLoader needs (collect/dispose the tensors
// of a nested structure).
import * as errors from '../errors';
import { FlintError, DTypeError, ShapeError, ValueError } from '../errors';
import { Tensor, scope } from '../tensor';
import { tensor } from '../ops/creation';
import { reshape, stack } from '../ops/views';
import { Packed, PackError, packItems, typedTag } from './pack';

const isTensor = (x: unknown): boolean => x instanceof Tensor;

/** @internal Rebuilds a PackError (possibly from a worker) as the typed flintml error. */
export function typedError(name: string, message: string): Error {
  // every flintml error class by its name (an IndexError from a Subset read in a worker stays one)
  const cls = (errors as Record<string, unknown>)[name];
  if (typeof cls === 'function' && (cls === FlintError || cls.prototype instanceof FlintError)) return new (cls as new (m: string) => FlintError)(message);
  return Object.assign(new Error(message), { name });
}

const LOCAL: Record<string, new (b: ArrayBufferLike, o: number, n: number) => Float32Array | Float64Array | Int32Array | Uint8Array> = {
  Float32Array, Float64Array, Int32Array, Uint8Array,
};
/** The same memory as a TypedArray of this realm (arrays posted from a worker belong to another). */
function localTyped<A extends Float32Array | Float64Array | Int32Array | Uint8Array>(a: A): A {
  const C = LOCAL[typedTag(a)!];
  return (a instanceof C ? a : new C(a.buffer, a.byteOffset, a.length)) as A;
}

/**
 * @internal Packed batch → tensors (main thread). With `pinned`, the values that came as
 * TypedArrays (all of a worker's output) are written straight into pinned host memory: one copy,
 * no pageable tensor in between.
 */
export function unpack(p: Packed, pinned = false): unknown {
  return scope(() => unpackIn(p, pinned));
}
function unpackIn(p: Packed, pinned: boolean): unknown {
  switch (p.kind) {
    case 'tensors': return stack(p.items as Tensor[], 0);
    case 'typed': {
      const t = tensor(localTyped(p.data), { dtype: p.dtype, pinned });
      return p.shape.length === 1 ? t : reshape(t, p.shape);
    }
    case 'list': return p.items.map((q) => unpackIn(q, pinned));
    case 'dict': return Object.fromEntries(p.entries.map(([k, q]) => [k, unpackIn(q, pinned)]));
    default: return p.items;
  }
}

/** The TypedArrays that `defaultCollate` turns into a `[batch, length]` tensor. */
export type CollatableTypedArray = Float32Array | Float64Array | Int32Array | Int16Array | Int8Array
  | Uint8Array | Uint8ClampedArray | Uint16Array | Uint32Array;

/**
 * The type of the batch `defaultCollate` makes from items of type `T`: a tensor for tensors,
 * numbers, booleans and TypedArrays; arrays and tuples element by element, plain objects key by
 * key; an array of the values for anything else (strings, null). `unknown` stays `unknown`.
 * `DataLoader<T>` yields `Collated<T>` unless given a `collate` function:
 * `Collated<[Tensor, number]>` is `[Tensor, Tensor]`, `Collated<{ x: Float32Array; label: string }>`
 * is `{ x: Tensor; label: string[] }`.
 */
export type Collated<T> =
  unknown extends T ? unknown
    : T extends Tensor | number | boolean | CollatableTypedArray ? Tensor
      : T extends readonly unknown[] ? { -readonly [K in keyof T]: Collated<T[K]> }
        : T extends string | null | undefined | bigint | symbol | ((...args: never[]) => unknown) ? T[]
          : T extends object ? { -readonly [K in keyof T]: Collated<T[K]> }
            : T[];

/**
 * Batches a list of items of the same structure, as PyTorch's `default_collate`:
 * tensors are stacked along a new dim 0; TypedArrays (one row each) become a `[batch, length]`
 * tensor of their dtype (Int8/Int16/Uint16Array → int32, Uint32Array → float64); numbers become
 * a 1-D tensor (int32 if all are integers, else float32 — PyTorch gives int64/float64); booleans a
 * bool tensor; arrays and plain objects are collated position by position / key by key; anything
 * else (strings, null) is returned as the array of values. The items are not disposed.
 *
 * ```ts
 * fl.data.defaultCollate([{ x: fl.zeros([3]), y: 1 }, { x: fl.ones([3]), y: 0 }]);
 * // { x: Tensor [2, 3] float32, y: Tensor [2] int32 }
 * ```
 */
export function defaultCollate<T>(items: readonly T[]): Collated<T> {
  return collateTo(items, false) as Collated<T>;
}

/** @internal `defaultCollate`, with the TypedArray-born tensors in pinned memory when `pinned`. */
export function collateTo(items: readonly unknown[], pinned: boolean): unknown {
  if (!Array.isArray(items) || items.length === 0) throw new ValueError('collate: expected a non-empty array of items');
  let packed: Packed;
  try {
    packed = packItems(items, isTensor);
  } catch (e) {
    if (e instanceof PackError) throw typedError(e.kind, e.message);
    throw e;
  }
  return unpack(packed, pinned);
}

/** @internal Every tensor in a nested structure (arrays, plain objects, Maps). */
export function collectTensors(v: unknown, into: Set<Tensor> = new Set(), depth = 0): Set<Tensor> {
  if (v instanceof Tensor) { into.add(v); return into; }
  if (depth > 16 || v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) return into;
  if (Array.isArray(v)) for (const x of v) collectTensors(x, into, depth + 1);
  else if (v instanceof Map) for (const x of v.values()) collectTensors(x, into, depth + 1);
  else {
    const p = Object.getPrototypeOf(v);
    if (p === Object.prototype || p === null) for (const x of Object.values(v)) collectTensors(x, into, depth + 1);
  }
  return into;
}

/**
 * Disposes every tensor in a batch (a tensor, or arrays / plain objects / Maps of them), e.g. at
 * the end of a training step:
 *
 * ```ts
 * for await (const batch of loader) {
 *   step(batch);
 *   fl.data.disposeBatch(batch);
 * }
 * ```
 */
export function disposeBatch(batch: unknown): void {
  for (const t of collectTensors(batch)) t.dispose();
}

/** @internal Disposes the tensors of `items` that are not part of `keep`. */
export function disposeExcept(items: unknown, keep: unknown): void {
  const kept = collectTensors(keep);
  for (const t of collectTensors(items)) if (!kept.has(t)) t.dispose();
}
