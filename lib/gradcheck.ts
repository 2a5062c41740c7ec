// gradcheck.ts — checks autograd's gradients of a function against central finite differences,
// in float64 (as torch.autograd.gradcheck). The analytical Jacobian is built row by row: one
// backward per output element with a one-hot gradient; the numerical one column by column:
// f(x + eps e_k) - f(x - eps e_k) over 2 eps for each input element. Inputs are copied into fresh
// leaves, so the caller's tensors and their `.grad` are untouched; everything made is disposed.
import { describeArg } from './arity';
import { AutogradError, enableGrad, noGrad } from './autograd';
import { isFloating } from './dtype';
import { ValueError } from './errors';
import { contiguousStrides, fmt } from './shape';
import { tensor } from './ops/creation';
import { scope, Tensor } from './tensor';
import { checkKeys, tooManyArgs } from './args';

/** Options of `gradcheck`: the finite-difference step and the tolerances `|a - n| <= atol + rtol |n|`. */
export interface GradcheckOptions {
  /** Step of the central differences (default 1e-6). */
  eps?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance, against the numerical value (default 1e-3). */
  rtol?: number;
}

function multiIndex(i: number, shape: readonly number[]): string {
  const idx = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) { idx[d] = i % shape[d]; i = Math.floor(i / shape[d]); }
  return `[${idx.join(', ')}]`;
}

function asList(v: unknown): Tensor[] {
  const list = Array.isArray(v) ? v : [v];
  list.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new ValueError(`gradcheck: fn must return a Tensor or an array of Tensors, got ${t === null ? 'null' : typeof t} at output ${String(i)}`);
  });
  return list as Tensor[];
}

/**
 * Compares the gradients that autograd computes for `fn` with finite differences, for every
 * input that requires grad (which must be float64; other arguments are passed through as they
 * are). Returns true, or throws an `AutogradError` naming the output, the input, the elements
 * and both values where they differ by more than `atol + rtol * |numerical|`.
 *
 * ```ts
 * const x = fl.randn([3, 4], { dtype: 'float64' }).requiresGrad_();
 * fl.gradcheck((a) => a.softmax(1).mul(a).sum(), [x]);  // true
 * ```
 */
export function gradcheck<Inputs extends unknown[]>(fn: (...inputs: Inputs) => Tensor | readonly Tensor[], inputs: Inputs | Readonly<Inputs>, options: GradcheckOptions = {}): true {
  if (arguments.length > 3) tooManyArgs('gradcheck', 'fn, inputs, options', arguments);
  if (typeof fn !== 'function') throw new ValueError('gradcheck: fn must be a function');
  if (!Array.isArray(inputs)) throw new ValueError('gradcheck: inputs must be an array');
  checkKeys('gradcheck', options, ['eps', 'atol', 'rtol']);
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3 } = options;
  for (const [k, v] of [['eps', eps], ['atol', atol], ['rtol', rtol]] as const) {
    if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v) || (k === 'eps' && v === 0)) {
      throw new ValueError(`gradcheck: ${k} must be a finite ${k === 'eps' ? 'positive' : 'non-negative'} number, got ${describeArg(v)}`);
    }
  }
  const checked = inputs.flatMap((t, i) => (t instanceof Tensor && t.requiresGrad ? [i] : []));
  if (checked.length === 0) throw new ValueError('gradcheck: no input requires grad (set requiresGrad on the inputs to check)');
  for (const i of checked) {
    const t = inputs[i] as Tensor;
    t._handleFor('gradcheck');
    if (t.dtype !== 'float64') {
      throw new ValueError(`gradcheck: input ${String(i)} (shape ${fmt(t._shape)}) is ${t.dtype}; finite differences need float64 inputs`);
    }
  }
  const shapes = checked.map((i) => (inputs[i] as Tensor)._shape);
  const device = (inputs[checked[0]] as Tensor).device;

  return scope(() => {
    const base = checked.map((i) => Float64Array.from((inputs[i] as Tensor).dataSync() as Float64Array));
    const leafFrom = (vals: Float64Array, shape: readonly number[]): Tensor => {
      const flat = tensor(vals, { dtype: 'float64', device });
      return flat._view(shape, contiguousStrides(shape), 0);
    };
    const argsFrom = (vals: Float64Array[], grad: boolean): { args: unknown[]; leaves: Tensor[] } => {
      const args = inputs.slice();
      const leaves = checked.map((i, k) => {
        const t = leafFrom(vals[k], shapes[k]);
        if (grad) t.requiresGrad = true;
        args[i] = t;
        return t;
      });
      return { args, leaves };
    };

    // analytical: one backward per output element, with a one-hot gradient
    const { args, leaves } = argsFrom(base, true);
    const outs = asList(enableGrad(() => fn(...args as Inputs)));
    const diff = outs.map((o) => isFloating(o.dtype));
    const analytical = outs.map((o, oi) => checked.map((_, k) => new Float64Array(diff[oi] ? o.numel * base[k].length : 0)));
    outs.forEach((o, oi) => {
      if (!diff[oi] || !o.requiresGrad) return;
      const m = o.numel;
      for (let j = 0; j < m; j++) {
        scope(() => {
          const onehot = new Float64Array(m);
          onehot[j] = 1;
          const g = tensor(onehot, { dtype: 'float64', device }).to(o.dtype);
          o.backward(g._view(o._shape, contiguousStrides(o._shape), 0), { retainGraph: true });
        });
        leaves.forEach((leaf, k) => {
          if (!leaf.grad) return;
          const n = base[k].length;
          analytical[oi][k].set(leaf.grad.dataSync() as Float64Array, j * n);
          leaf.grad.dispose();
          leaf.grad = null;
        });
      }
    });

    // numerical: central differences, one input element at a time
    const evaluate = (vals: Float64Array[]): Float64Array[] => scope(() => {
      const r = asList(noGrad(() => fn(...argsFrom(vals, false).args as Inputs)));
      return r.map((o, oi) => (diff[oi] ? Float64Array.from(o.dataSync() as ArrayLike<number>) : new Float64Array(0)));
    });
    const numerical = outs.map((o, oi) => checked.map((_, k) => new Float64Array(diff[oi] ? o.numel * base[k].length : 0)));
    checked.forEach((_, k) => {
      const n = base[k].length;
      for (let e = 0; e < n; e++) {
        const vals = base.map((b) => b.slice());
        vals[k][e] = base[k][e] + eps;
        const plus = evaluate(vals);
        vals[k][e] = base[k][e] - eps;
        const minus = evaluate(vals);
        outs.forEach((o, oi) => {
          if (!diff[oi]) return;
          for (let j = 0; j < o.numel; j++) numerical[oi][k][j * n + e] = (plus[oi][j] - minus[oi][j]) / (2 * eps);
        });
      }
    });

    outs.forEach((o, oi) => {
      if (!diff[oi]) return;
      checked.forEach((i, k) => {
        const a = analytical[oi][k], nu = numerical[oi][k], n = base[k].length;
        for (let p = 0; p < a.length; p++) {
          if (a[p] === nu[p]) continue;
          if (Math.abs(a[p] - nu[p]) <= atol + rtol * Math.abs(nu[p])) continue;
          const j = Math.floor(p / n), e = p % n;
          let worst = 0;
          for (let q = 0; q < a.length; q++) worst = Math.max(worst, Math.abs(a[q] - nu[q]));
          throw new AutogradError(
            `gradcheck: Jacobian mismatch for output ${String(oi)} (shape ${fmt(o._shape)}${o.gradFn ? `, from ${o.gradFn}` : ''}) ` +
            `with respect to input ${String(i)} (shape ${fmt(shapes[k])}) at output element ${multiIndex(j, o._shape)}, ` +
            `input element ${multiIndex(e, shapes[k])}: numerical ${String(nu[p])}, analytical ${String(a[p])} ` +
            `(atol ${describeArg(atol)}, rtol ${describeArg(rtol)}; largest difference over this Jacobian ${String(worst)})`,
          );
        }
      });
    });
    return true as const;
  });
}
