// special.ts — what fl.distributions shares besides the ops: the special functions it reads
// (torch.lgamma, torch.digamma, torch.erfinv) are flintml's native elementwise ops
// (native/core/special.h, lib/ops/elementwise.ts), re-exported here for the family files, and a
// host check of a bool tensor. Not part of the public API.
import { Tensor, scopeSync } from '../tensor';
import { all } from '../ops';

export { lgamma, digamma, erfinv } from '../ops/elementwise';

/** @internal Whether every element of a bool tensor is true (one host read). */
export function allTrue(b: Tensor): boolean {
  return scopeSync(() => b.numel === 0 || !!all(b).item());
}
