// params.ts — what the layer files share and that depends on nothing in nn but Module: the
// factory options of a layer, Python's reprs of numbers, booleans and tuples (for module text that
// is PyTorch's), a new Parameter filled by an initializer, and alias. Kept apart from layers.ts and
// functional.ts so that the files F re-exports (activation, extra-layers, loss-extra) can use them
// without an import cycle.
import { noGrad } from '../autograd';
import type { DType } from '../dtype';
import { empty, TensorOptions } from '../ops/creation';
import { reshape } from '../ops/views';
import { scope, Tensor } from '../tensor';
import { Parameter } from './module';

/** Parameter dtype/device of a layer (torch's `factory_kwargs`). */
export interface FactoryOptions {
  dtype?: DType;
  device?: string;
}

/** @internal Python's repr of a number: 1.0, 0.1, 1e-05 (for PyTorch-identical module text). */
export function pyFloat(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return `${v}.0`;
  const a = Math.abs(v);
  if (a < 1e-4 || a >= 1e16) return v.toExponential().replace(/e([+-])(\d)$/, (_m, sign: string, d: string) => `e${sign}0${d}`);
  return String(v);
}
/** @internal Python's repr of a boolean. */
export function pyBool(b: boolean): string { return b ? 'True' : 'False'; }
/** @internal Python's repr of a tuple of ints: (4,), (2, 3). */
export function pyTuple(xs: readonly number[]): string { return xs.length === 1 ? `(${xs[0]},)` : `(${xs.join(', ')})`; }

/** @internal A new parameter of `shape` filled by `init` (under noGrad). */
export function newParameter(shape: number[], o: FactoryOptions, init: (t: Tensor) => void): Tensor {
  const t = empty(shape, { dtype: o.dtype ?? 'float32', device: o.device } as TensorOptions);
  try { noGrad(() => scope(() => { init(t); })); } catch (e) { t.dispose(); throw e; }
  return Parameter(t);
}

/** @internal A new view of x (with x's gradient), so callers may dispose input and output separately. */
export function alias(x: Tensor): Tensor { return reshape(x, x._shape); }
