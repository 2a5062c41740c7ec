// helpers.ts — shared by the unit tests: the device under test, float64 reference arrays, and
// closeness checks with stated tolerances per dtype.
import * as fl from '../lib';

/** The device the suite runs on: FLINT_TEST_DEVICE=cuda runs everything on the GPU (and fails without one). */
export const DEVICE: string = process.env.FLINT_TEST_DEVICE ?? 'cpu';

/** Tolerances per dtype: [relative, absolute]. */
export const TOL: Record<fl.DType, [number, number]> = {
  float64: [1e-10, 1e-12],
  float32: [1e-5, 1e-6],
  float16: [2e-3, 1e-3],
  bfloat16: [1.6e-2, 1e-2],
  int32: [0, 0],
  uint8: [0, 0],
  bool: [0, 0],
  complex64: [1e-5, 1e-6],
  complex128: [1e-10, 1e-12],
};

/** A simple seeded PRNG (mulberry32) for test data, independent of flintml's RNG. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random values in [lo, hi) as a plain array. */
export function randomArray(n: number, seed: number, lo = -2, hi = 2): number[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => lo + (hi - lo) * r());
}

/** Values as they are after rounding to dtype (so the float64 reference sees the same inputs). */
export function roundTo(values: number[], dtype: fl.DType): number[] {
  return fl.scope(() => Array.from(fl.tensor(values, { dtype: 'float64' }).to(dtype).to('float64').dataSync()));
}

/** Nested arrays → flat numbers. */
export function flat(x: unknown): number[] {
  if (typeof x === 'number') return [x];
  if (typeof x === 'boolean') return [x ? 1 : 0];
  return (x as unknown[]).flatMap(flat);
}

/**
 * Asserts that `actual` (a tensor) matches the float64 reference values within the dtype's
 * tolerance, elementwise (NaN must match NaN, ±inf must match exactly).
 */
export function expectClose(actual: fl.Tensor, expected: ArrayLike<number>, dtype: fl.DType = actual.dtype, scale = 1): void {
  const got = Array.from(actual.dataSync() as ArrayLike<number>);
  expect(got.length).toBe(expected.length);
  const [rtol, atol] = TOL[dtype];
  for (let i = 0; i < got.length; i++) {
    const e = expected[i], g = got[i];
    if (Number.isNaN(e)) { if (!Number.isNaN(g)) throw new Error(`element ${i}: expected NaN, got ${g}`); continue; }
    if (!Number.isFinite(e)) { if (g !== e) throw new Error(`element ${i}: expected ${e}, got ${g}`); continue; }
    const tol = (atol + rtol * Math.abs(e)) * scale;
    if (!(Math.abs(g - e) <= tol)) {
      throw new Error(`element ${i}: expected ${e}, got ${g} (|diff| ${Math.abs(g - e)} > tol ${tol}, dtype ${dtype})`);
    }
  }
}

/** Contiguous row-major index → multi-index. */
export function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) { idx[d] = i % shape[d]; i = Math.floor(i / shape[d]); }
  return idx;
}

/** Multi-index → row-major flat index (the inverse of `unravel`). */
export function ravel(idx: readonly number[], shape: readonly number[]): number {
  let f = 0;
  for (let d = 0; d < shape.length; d++) f = f * shape[d] + idx[d];
  return f;
}

/** Values of dtype for op tests: rounded floats in [lo, hi), small integers, booleans (~30% zeros for all/any). */
export function testValues(n: number, seed: number, dtype: fl.DType, lo: number, hi: number): number[] {
  const r = randomArray(n, seed, 0, 1);
  if (dtype === 'bool') return r.map((v) => (v < 0.3 ? 0 : 1));
  if (dtype === 'int32') return r.map((v) => Math.floor(v * 9) - 4);
  if (dtype === 'uint8') return r.map((v) => Math.floor(v * 6));
  return roundTo(r.map((v) => lo + (hi - lo) * v), dtype);
}

/** How a test tensor is laid out in memory: contiguous, a permuted view, or a strided slice. */
export type Layout = 'contiguous' | 'permuted' | 'sliced';

/**
 * A tensor of `shape` holding `values` (row-major) in the given layout on DEVICE: 'permuted' is a
 * permute of the reversed shape, 'sliced' takes every other element of a last dim twice as long,
 * starting at `sliceStart`.
 */
export function makeLayout(values: number[], shape: number[], dtype: fl.DType, layout: Layout, sliceStart = 0): fl.Tensor {
  const o = { dtype, device: DEVICE };
  if (layout === 'contiguous' || shape.length < 2) return fl.tensor(values, o).reshape(shape);
  if (layout === 'permuted') {
    const rev = shape.slice().reverse();
    const base = new Array(values.length);
    for (let i = 0; i < values.length; i++) base[ravel(unravel(i, shape).reverse(), rev)] = values[i];
    return fl.tensor(base, o).reshape(rev).permute(rev.map((_, i) => rev.length - 1 - i));
  }
  const wide = shape.slice(); wide[wide.length - 1] *= 2;
  const base = new Array(values.length * 2).fill(0);
  for (let i = 0; i < values.length; i++) {
    const idx = unravel(i, shape); idx[idx.length - 1] = idx[idx.length - 1] * 2 + sliceStart;
    base[ravel(idx, wide)] = values[i];
  }
  return fl.tensor(base, o).reshape(wide).slice(-1, sliceStart, null, 2);
}

/**
 * Checks the gradients already in each leaf's `.grad` (float64 leaves) against central finite
 * differences of `loss()` at about `samples` evenly spaced elements of each leaf, moving the element
 * in place and back. Throws naming the first element whose gradient differs by more than
 * 1e-7 + 1e-6·|fd|.
 */
export function expectGradsMatchFiniteDifferences(leaves: Record<string, fl.Tensor>, loss: () => fl.Tensor, samples = 6): void {
  const eps = 1e-6;
  for (const [name, t] of Object.entries(leaves)) {
    const got = Array.from(t.grad!.dataSync());
    if (got.length !== t.numel) throw new Error(`grad of ${name}: ${got.length} elements for ${t.numel}`);
    const step = Math.max(1, Math.floor(t.numel / samples));
    for (let k = 0; k < t.numel; k += step) {
      const at = (d: number): number => fl.noGrad(() => fl.scope(() => {
        const el = t.view(-1).select(0, k);
        const old = el.item();
        el.fill_(old + d);
        try { return loss().item(); } finally { el.fill_(old); }
      }));
      const fd = (at(eps) - at(-eps)) / (2 * eps);
      if (!(Math.abs(got[k] - fd) <= 1e-7 + 1e-6 * Math.abs(fd))) throw new Error(`grad of ${name}[${k}]: ${got[k]} vs finite difference ${fd}`);
    }
  }
}

/** Runs one epoch of a DataLoader; each batch is turned into plain values by `toPlain` and disposed. */
export async function epoch(loader: AsyncIterable<any>, toPlain: (b: any) => unknown = plain): Promise<any[]> {
  const out: unknown[] = [];
  for await (const b of loader) {
    try { out.push(toPlain(b)); } finally { fl.data.disposeBatch(b); }
  }
  return out;
}
/** Tensors → { shape, dtype, values } (nested), other values as they are. */
export function plain(v: any): any {
  if (v instanceof fl.Tensor) return { shape: v.shape.slice(), dtype: v.dtype, values: v.toArray() };
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

/** The largest |a[i] − b[i]| (the lengths must match). */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
