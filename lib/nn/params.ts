// params.ts — what the layer files share and that depends on nothing in nn but Module: the
// factory options of a layer, Python's reprs of numbers, booleans and tuples (for module text that
// is PyTorch's), a new Parameter filled by an initializer, and alias. Kept apart from layers.ts and
// functional.ts so that the files F re-exports (activation, extra-layers, loss-extra) can use them
// without an import cycle.
import { noGrad } from '../autograd';
import type { DType } from '../dtype';
import { empty, TensorOptions, zeros } from '../ops/creation';
import { reshape } from '../ops/views';
import { scope, Tensor } from '../tensor';
import { isParameter, Module, Parameter } from './module';
import { ones_, zeros_ } from './init';
import { getDefaultDtype } from '../defaults';
import type { DeviceLike } from '../device';

/** Parameter dtype/device of a layer (torch's `factory_kwargs`). */
export interface FactoryOptions {
  dtype?: DType;
  device?: DeviceLike;
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
  const t = empty(shape, { dtype: o.dtype ?? getDefaultDtype(), device: o.device } as TensorOptions);
  try { noGrad(() => scope(() => { init(t); })); } catch (e) { t.dispose(); throw e; }
  return Parameter(t);
}

/** @internal A new view of x (with x's gradient), so callers may dispose input and output separately. */
export function alias(x: Tensor): Tensor { return reshape(x, x._shape); }

/** @internal
 * A deep copy of a module, as torch's `copy.deepcopy`: parameters (as parameters, with their
 * requiresGrad) and buffers are copied, sub-modules copied recursively; a tensor or module reached
 * twice is copied once. Functions and objects that are neither modules, tensors, arrays, Maps, Sets
 * nor plain objects are shared.
 */
export function deepCopyModule<M extends Module>(m: M): M {
  const memo = new Map<unknown, unknown>();
  const copy = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;  // primitives, functions
    if (memo.has(v)) return memo.get(v);
    if (v instanceof Tensor) {
      const c = noGrad(() => v.clone());  // no graph, and no view left behind
      const out = isParameter(v) ? Parameter(c, v.requiresGrad) : c;
      memo.set(v, out);
      return out;
    }
    if (v instanceof Module) {
      const o = Object.create(Object.getPrototypeOf(v)) as Module;
      memo.set(v, o);
      for (const k of Reflect.ownKeys(v)) {
        const d = Object.getOwnPropertyDescriptor(v, k)!;
        if (!('value' in d)) continue;  // accessors (buffers, a container's index getters) are made again below
        Object.defineProperty(o, k, { ...d, value: copy(d.value) });
      }
      for (const name of o._buffers.keys()) {
        Object.defineProperty(o, name, { get: () => o._buffers.get(name), set: (b) => o._buffers.set(name, b), enumerable: false, configurable: true });
      }
      const reindex = (o as unknown as { _reindex?: (n: number) => void })._reindex;
      if (typeof reindex === 'function') reindex.call(o, 0);
      return o;
    }
    if (Array.isArray(v)) { const a: unknown[] = []; memo.set(v, a); for (const x of v) a.push(copy(x)); return a; }
    if (v instanceof Map) { const mp = new Map(); memo.set(v, mp); for (const [k, x] of v) mp.set(k, copy(x)); return mp; }
    if (v instanceof Set) { const s = new Set(); memo.set(v, s); for (const x of v) s.add(copy(x)); return s; }
    const p = Object.getPrototypeOf(v);
    if (p === Object.prototype || p === null) {
      const o: Record<string, unknown> = Object.create(p);
      memo.set(v, o);
      for (const [k, x] of Object.entries(v)) o[k] = copy(x);
      return o;
    }
    return v;
  };
  return copy(m) as M;
}

/**
 * @internal The batch and instance norms' per-channel state, as torch registers it: weight (ones)
 * and bias (zeros) of `c` when `affine`, else null; buffers running_mean (zeros), running_var (ones)
 * and num_batches_tracked (an int32 0) when `track`, else registered as null.
 */
export function channelParamsAndStats(m: Module, c: number, o: FactoryOptions, affine: boolean, track: boolean): [Tensor | null, Tensor | null] {
  const dt = { dtype: o.dtype ?? getDefaultDtype(), device: o.device } as const;
  m.registerBuffer('running_mean', track ? zeros([c], dt) : null);
  m.registerBuffer('running_var', track ? zeros([c], dt).fill_(1) : null);
  m.registerBuffer('num_batches_tracked', track ? zeros([], { dtype: 'int32', device: o.device }) : null);
  return affine ? [newParameter([c], o, ones_), newParameter([c], o, zeros_)] : [null, null];
}
