// rnn_checks.ts — the input and state checks shared by the recurrent layers (rnn.ts) and the cells
// (rnn_cell.ts): the same shapes, dtypes and messages. Internal: not re-exported by fl.nn.
import { DType } from '../dtype';
import { DTypeError, ShapeError } from '../errors';
import { fmt } from '../shape';
import { Tensor } from '../tensor';
import { needTensor } from './checks';

/**
 * @internal The input checks of the recurrent layers and cells: a tensor of `unbatchedDims` dims
 * (unbatched) or one more, `inputSize` features in its last dim, the parameters' dtype.
 */
export function checkRecurrentInput(input: unknown, kind: string, unbatchedDims: number, inputSize: number, paramDtype: DType): Tensor {
  const x = needTensor(input, kind);
  if (x.ndim !== unbatchedDims && x.ndim !== unbatchedDims + 1) {
    throw new ShapeError(`${kind}: expected a ${unbatchedDims}-D (unbatched) or ${unbatchedDims + 1}-D input, got shape ${fmt(x._shape)}`);
  }
  if (x._shape[x.ndim - 1] !== inputSize) throw new ShapeError(`${kind}: expected input with ${inputSize} features in its last dim, got shape ${fmt(x._shape)}`);
  if (x.dtype !== paramDtype) throw new DTypeError(`${kind}: input dtype ${x.dtype} does not match the parameters' dtype ${paramDtype}`);
  return x;
}

/** @internal A given state of a recurrent layer or cell: of shape `want` and the input's dtype. */
export function checkRecurrentState(state: unknown, kind: string, name: string, want: readonly number[], x: Tensor): Tensor {
  const h = needTensor(state, kind, name);
  if (h._shape.length !== want.length || h._shape.some((s, i) => s !== want[i])) {
    throw new ShapeError(`${kind}: expected ${name} of shape ${fmt(want)} for input of shape ${fmt(x._shape)}, got ${fmt(h._shape)}`);
  }
  if (h.dtype !== x.dtype) throw new DTypeError(`${kind}: ${name} has dtype ${h.dtype} but the input has ${x.dtype}`);
  return h;
}
