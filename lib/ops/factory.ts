// factory.ts — what every creation function shares (ops/creation.ts, ops/random.ts): the factory
// keywords (dtype, device, pinned, requiresGrad) as lib/args.ts parameters, PyTorch's `*size`
// argument form, and applying requiresGrad to a fresh result. Internal: not re-exported by index.ts.
import { DType } from '../dtype';
import type { DeviceLike } from '../device';
import * as A from '../args';
import { optional, required, signature } from '../args';
import { checkShape } from '../shape';
import { Tensor } from '../tensor';

/** Options accepted by creation functions (PyTorch's factory keywords). */
export interface TensorOptions {
  /** Element type; defaults to the default dtype, float32 unless `fl.setDefaultDtype` changed it (or inferred from the data for `tensor`). */
  dtype?: DType;
  /** `'cpu'` (default), `'cuda'`, `'cuda:N'`, or a `fl.device(…)` object. */
  device?: DeviceLike;
  /**
   * CPU only: allocate page-locked (pinned) host memory, from which copies to a GPU run
   * asynchronously (`t.to('cuda', { nonBlocking: true })`). Needs a usable GPU.
   */
  pinned?: boolean;
  /** Make the result a leaf that requires grad (floating dtypes only), as PyTorch's `requires_grad=True`. */
  requiresGrad?: boolean;
}

/** @internal The keyword parameters of every creation function (checked by lib/args.ts). */
export const FACTORY_KEYWORDS = {
  dtype: optional(A.dtype),
  device: optional(A.device),
  pinned: optional(A.bool, false),
  requiresGrad: optional(A.bool, false),
};

/** @internal Applies `requiresGrad` to a fresh result (disposing it when the dtype refuses). */
export function withGrad(t: Tensor, requiresGrad: boolean | undefined): Tensor {
  if (requiresGrad) {
    try { t.requiresGrad = true; } catch (e) { t.dispose(); throw e; }
  }
  return t;
}

/**
 * PyTorch's `*size` then the keyword options: `(2, 3)`, `([2, 3])`, `(2, 3, { dtype })`,
 * `([2, 3], { dtype })`. A stray extra argument throws instead of being dropped.
 */
export type SizeArgs = [size: number | readonly number[], options?: TensorOptions] | [...size: number[], options: TensorOptions] | number[];

/** @internal The signature of a creation function that takes `*size` (zeros, rand, …): keywords only after the sizes. */
export function sizedSignature(fn: string) { return signature(fn, [], FACTORY_KEYWORDS); }

/** @internal Reads `(…size, options?)` for the creation function with signature `sig`. */
export function sizedArgs(sig: ReturnType<typeof sizedSignature>, args: readonly unknown[]): { shape: number[]; dtype: DType | undefined; device: string | undefined; pinned: boolean; requiresGrad: boolean } {
  const { sizes, rest } = A.takeSizes(sig.fn, args);
  const shape = checkShape(sizes, sig.fn);
  const o = sig.parse(rest);
  return { shape, dtype: o.dtype, device: o.device, pinned: o.pinned, requiresGrad: o.requiresGrad };
}

/** Options of the `*Like` functions: the result takes t's dtype and device unless given. */
export type LikeOptions = Omit<TensorOptions, 'pinned'>;
/** @internal */
export const LIKE_KEYWORDS = { dtype: FACTORY_KEYWORDS.dtype, device: FACTORY_KEYWORDS.device, requiresGrad: FACTORY_KEYWORDS.requiresGrad };
/** @internal The signature of a `*Like` function: the tensor, then (for fullLike) the value. */
export function likeSignature(fn: string) { return signature(fn, ['input'], { input: required(A.tensor), ...LIKE_KEYWORDS }); }
