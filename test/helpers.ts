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
