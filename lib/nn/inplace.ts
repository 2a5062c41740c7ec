// inplace.ts — torch's `inplace=True` flag of the activation and dropout modules and functions.
// flintml refuses in-place ops on tensors that require grad while grad is enabled (DESIGN.md §8;
// PyTorch rebases their history instead), so there the result is a new tensor with the same values
// and the input is left as it was; everywhere else the result is written into the input, which is
// returned, as torch does. The usual `x = relu(x)` reads the same either way.
import { isGradEnabled, noGrad } from '../autograd';
import type { Tensor } from '../tensor';

/** @internal The result `y` of an op on `x` under torch's `inplace`: written into x (returned) when no gradient is recorded for x. */
export function inplaceResult(x: Tensor, y: Tensor, inplace: boolean): Tensor {
  if (!inplace || y === x || (isGradEnabled() && x.requiresGrad)) return y;
  try { noGrad(() => x.copy_(y)); } finally { y.dispose(); }
  return x;
}
