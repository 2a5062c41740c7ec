// linalg-fixtures.ts — what the CPU solver tests (linalg-lu, linalg-inv) share: value readers, a
// relative comparison that names the element, and torch's exactly representable test matrices.
import * as fl from '../lib';
import { DEVICE } from './helpers';

export const vals = (t: fl.Tensor): number[] => Array.from(t.to('float64').dataSync() as ArrayLike<number>);
export const ints = (t: fl.Tensor): number[] => Array.from(t.dataSync() as ArrayLike<number>, Number);
export function near(got: number[], want: number[], tol: number, what: string): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    const w = want[i];
    if (!(Math.abs(g - w) <= tol * Math.max(1, Math.abs(w)))) throw new Error(`${what}[${i}]: expected ${w}, got ${g}`);
  });
}
/** torch: ((i*37 + j*91 + i*j*13 + i*i*7 + j*j*5) % 1009 - 504) / 64, exact in float64. */
export function hashed(m: number, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out.push((((i * 37 + j * 91 + i * j * 13 + i * i * 7 + j * j * 5) % 1009) - 504) / 64);
  return out;
}
export const t64 = (v: number[], shape: number[], dtype: fl.DType = 'float64'): fl.Tensor => fl.tensor(v, { dtype, device: DEVICE }).reshape(shape);
