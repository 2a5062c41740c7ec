// functional-inplace.ts — torch.nn.functional's in-place activations (relu_, leakyRelu_, elu_, selu_,
// celu_, hardtanh_, threshold_, rrelu_): each is its function with `inplace` set, so it follows
// flintml's rule for torch's `inplace=True` (lib/nn/inplace.ts): the result is written into the input,
// which is returned, unless a gradient is recorded for the input (then a new tensor, the input as it was).
import { tooManyArgs } from '../args';
import { Tensor } from '../tensor';
import { leakyRelu, relu } from '../ops/elementwise';
import { celu, elu, hardtanh, rrelu, selu, threshold } from './activation';
import { needTensor } from './checks';
import { inplaceResult } from './inplace';

/** `F.relu_`: relu written into the input. `F.relu_(x)` */
export function relu_(input: Tensor): Tensor {
  if (arguments.length > 1) tooManyArgs('relu_', 'input', arguments);
  const x = needTensor(input, 'relu_');
  return inplaceResult(x, relu(x), true);
}
/** `F.leaky_relu_`: leakyRelu written into the input. `F.leakyRelu_(x, 0.2)` */
export function leakyRelu_(input: Tensor, negativeSlope = 0.01): Tensor {
  if (arguments.length > 2) tooManyArgs('leakyRelu_', 'input, negativeSlope', arguments);
  const x = needTensor(input, 'leakyRelu_');
  return inplaceResult(x, leakyRelu(x, negativeSlope), true);
}
/** `F.elu_`: elu written into the input. `F.elu_(x, 1)` */
export function elu_(input: Tensor, alpha = 1): Tensor {
  if (arguments.length > 2) tooManyArgs('elu_', 'input, alpha', arguments);
  return elu(input, alpha, true);
}
/** `F.selu_`: selu written into the input. `F.selu_(x)` */
export function selu_(input: Tensor): Tensor {
  if (arguments.length > 1) tooManyArgs('selu_', 'input', arguments);
  return selu(input, true);
}
/** `F.celu_`: celu written into the input. `F.celu_(x, 1)` */
export function celu_(input: Tensor, alpha = 1): Tensor {
  if (arguments.length > 2) tooManyArgs('celu_', 'input, alpha', arguments);
  return celu(input, alpha, true);
}
/** `F.hardtanh_`: hardtanh written into the input. `F.hardtanh_(x, -1, 1)` */
export function hardtanh_(input: Tensor, minVal = -1, maxVal = 1): Tensor {
  if (arguments.length > 3) tooManyArgs('hardtanh_', 'input, minVal, maxVal', arguments);
  return hardtanh(input, minVal, maxVal, true);
}
/** `F.threshold_`: threshold written into the input. `F.threshold_(x, 0.1, 0)` */
export function threshold_(input: Tensor, thresholdValue: number, value: number): Tensor {
  if (arguments.length > 3) tooManyArgs('threshold_', 'input, threshold, value', arguments);
  return threshold(input, thresholdValue, value, true);
}
/** `F.rrelu_`: rrelu written into the input (random slopes in training). `F.rrelu_(x)` */
export function rrelu_(input: Tensor, lower = 1 / 8, upper = 1 / 3, training = false): Tensor {
  if (arguments.length > 4) tooManyArgs('rrelu_', 'input, lower, upper, training', arguments);
  return rrelu(input, lower, upper, training, true);
}
