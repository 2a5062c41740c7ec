// backend.ts — what the native backend found at load time and its knobs.
import { binding } from './native';

/**
 * Backend facts and settings: `fl.backend.info()` → `{ blas: 'openblas (libopenblas.so.0)', threads: 2, … }`;
 * `fl.backend.setNumThreads(1)` limits the CPU thread pool (also `FLINT_NUM_THREADS`).
 */
export const backend = {
  info(): { blas: string; blasSearch: string; threads: number; maxDims: number } { return binding.info(); },
  setNumThreads(n: number): void {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`setNumThreads: expected a positive integer, got ${String(n)}`);
    binding.setNumThreads(n);
  },
};
