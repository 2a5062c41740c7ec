// pending.ts — the parameters whose gradients DistributedDataParallel is still averaging across
// ranks (a leaf module, so that the optimizers can check it without importing the process group):
// an optimizer step or zeroGrad on such a parameter would use or free a gradient that is still
// being reduced, so they refuse with a message naming what to await.
import { DistributedError } from '../errors';
import type { Tensor } from '../tensor';

/** @internal parameter -> what to await, set by DistributedDataParallel during an iteration. */
export const gradSyncPending = new Map<Tensor, string>();

/** @internal Throws when one of `params` has a gradient reduction in flight. */
export function checkNoGradSync(op: string, params: Iterable<Tensor>): void {
  if (gradSyncPending.size === 0) return;
  for (const p of params) {
    const what = gradSyncPending.get(p);
    if (what) throw new DistributedError(`${op}: the gradient of a parameter of shape [${p.shape.join(', ')}] is still being averaged across ranks; ${what} first`, op);
  }
}
