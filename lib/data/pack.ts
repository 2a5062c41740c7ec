// pack.ts — the first half of the default collate: a list of items → one "packed" batch in plain
// JavaScript (TypedArrays concatenated, numbers gathered, structure kept). It touches no tensor
// and imports nothing at run time, so DataLoader workers run it too and post the packed batch back
// (its buffers transferred, not copied); the main thread then turns it into tensors
// (`unpack` in collate.ts). One code path for both modes: workers give the same batches.
import type { DType } from '../dtype';

/** @internal A batch in transit: tensors are made from it on the main thread. */
export type Packed =
  | { kind: 'tensors'; items: unknown[] }                                         // stack these
  | { kind: 'typed'; data: Float32Array | Float64Array | Int32Array | Uint8Array; shape: number[]; dtype: DType }
  | { kind: 'list'; items: Packed[] }
  | { kind: 'dict'; entries: [string, Packed][] }
  | { kind: 'raw'; items: unknown[] };                                            // strings, null, …

/** @internal Errors made here are rebuilt with their class name on the main thread. */
export class PackError extends Error {
  constructor(readonly kind: 'ValueError' | 'ShapeError' | 'DTypeError', message: string) { super(message); this.name = kind; }
}

type TypedCtor = Float32ArrayConstructor | Float64ArrayConstructor | Int32ArrayConstructor | Uint8ArrayConstructor;

// Typed arrays are recognised by their tag, not `instanceof`: arrays posted from a worker (and, under
// jest, arrays made outside the test sandbox) belong to another realm.
const TYPED: Record<string, [DType, TypedCtor]> = {
  Float32Array: ['float32', Float32Array], Float64Array: ['float64', Float64Array],
  Uint8Array: ['uint8', Uint8Array], Uint8ClampedArray: ['uint8', Uint8Array],
  Int32Array: ['int32', Int32Array], Int16Array: ['int32', Int32Array], Int8Array: ['int32', Int32Array],
  Uint16Array: ['int32', Int32Array], Uint32Array: ['float64', Float64Array],
};

/** @internal The TypedArray kind of x ('Float32Array', …), or undefined (DataView, non-views). */
export function typedTag(x: unknown): string | undefined {
  return ArrayBuffer.isView(x) ? (x as unknown as { [Symbol.toStringTag]?: string })[Symbol.toStringTag] : undefined;
}

/** The dtype and host array type a TypedArray row becomes (as `fl.tensor` infers it). */
function typedTarget(tag: string, where: string): [DType, TypedCtor] {
  const t = TYPED[tag];
  if (!t) throw new PackError('DTypeError', `collate: cannot batch a ${tag}${where} (use Float32Array, Float64Array, Int32Array or Uint8Array)`);
  return t;
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return `an array of length ${String(x.length)}`;
  if (ArrayBuffer.isView(x)) return `a ${typedTag(x) ?? 'DataView'}`;
  if (typeof x === 'object') return x.constructor?.name === 'Tensor' ? 'a Tensor' : 'an object';
  return `a ${typeof x}`;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== 'object') return false;
  const p = Object.getPrototypeOf(x);
  return p === Object.prototype || p === null;
}

/**
 * @internal Packs items (all of the same structure) into one batch. `isTensor` recognises tensors
 * (none reach a worker). `path` names the position in the item for error messages.
 */
export function packItems(items: readonly unknown[], isTensor: (x: unknown) => boolean, path = ''): Packed {
  const first = items[0];
  const at = path ? ` at ${path}` : '';
  const mismatch = (j: number): never => {
    throw new PackError('ValueError', `collate: item ${String(j)}${at} is ${describe(items[j])} but item 0 is ${describe(first)}`);
  };
  if (isTensor(first)) {
    items.forEach((x, j) => { if (!isTensor(x)) mismatch(j); });
    return { kind: 'tensors', items: items.slice() };
  }
  const tag = typedTag(first);
  if (tag !== undefined) {
    const [dtype, Ctor] = typedTarget(tag, at);
    const len = (first as Uint8Array).length;
    const data = new Ctor(items.length * len);
    items.forEach((x, j) => {
      if (typedTag(x) !== tag) mismatch(j);
      const row = x as Uint8Array;
      if (row.length !== len) {
        throw new PackError('ShapeError', `collate: item ${String(j)}${at} has length ${String(row.length)} but item 0 has length ${String(len)}`);
      }
      data.set(row, j * len);  // converts Int16Array etc. natively
    });
    return { kind: 'typed', data, shape: [items.length, len], dtype };
  }
  if (typeof first === 'number') {
    let allInt = true;
    items.forEach((x, j) => {
      if (typeof x !== 'number') mismatch(j);
      else if (!(Number.isInteger(x) && Math.abs(x) <= 2147483647)) allInt = false;
    });
    const data = allInt ? Int32Array.from(items as number[]) : Float32Array.from(items as number[]);
    return { kind: 'typed', data, shape: [items.length], dtype: allInt ? 'int32' : 'float32' };
  }
  if (typeof first === 'boolean') {
    items.forEach((x, j) => { if (typeof x !== 'boolean') mismatch(j); });
    return { kind: 'typed', data: Uint8Array.from(items as boolean[], (b) => (b ? 1 : 0)), shape: [items.length], dtype: 'bool' };
  }
  if (Array.isArray(first)) {
    items.forEach((x, j) => {
      if (!Array.isArray(x)) mismatch(j);
      else if (x.length !== first.length) {
        throw new PackError('ShapeError', `collate: item ${String(j)}${at} has ${String(x.length)} elements but item 0 has ${String(first.length)}`);
      }
    });
    return { kind: 'list', items: first.map((_, k) => packItems(items.map((x) => (x as unknown[])[k]), isTensor, `${path}[${String(k)}]`)) };
  }
  if (isPlainObject(first)) {
    const keys = Object.keys(first);
    items.forEach((x, j) => {
      if (!isPlainObject(x)) mismatch(j);
      const k2 = Object.keys(x as object);
      if (k2.length !== keys.length || keys.some((k) => !(k in (x as object)))) {
        throw new PackError('ValueError', `collate: item ${String(j)}${at} has keys [${k2.join(', ')}] but item 0 has [${keys.join(', ')}]`);
      }
    });
    return { kind: 'dict', entries: keys.map((k) => [k, packItems(items.map((x) => (x as Record<string, unknown>)[k]), isTensor, `${path}.${k}`)]) };
  }
  return { kind: 'raw', items: items.slice() };
}

/** @internal The buffers of a packed batch, to transfer instead of copy when posting it. */
export function packedBuffers(p: Packed, into: ArrayBuffer[] = []): ArrayBuffer[] {
  if (p.kind === 'typed') into.push(p.data.buffer as ArrayBuffer);
  else if (p.kind === 'list') p.items.forEach((q) => packedBuffers(q, into));
  else if (p.kind === 'dict') p.entries.forEach(([, q]) => packedBuffers(q, into));
  return into;
}
