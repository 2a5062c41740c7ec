// gradcheck.ts — checks autograd's gradients of a function against central finite differences,
// in float64 (as torch.autograd.gradcheck), and its second derivatives (gradgradcheck). The
// analytical Jacobian is built row by row: one backward per output element with a one-hot gradient;
// the numerical one column by column: f(x + eps e_k) - f(x - eps e_k) over 2 eps for each input
// element. Inputs are copied into fresh leaves, so the caller's tensors and their `.grad` are
// untouched; everything made is disposed.
//
// gradgradcheck is torch's: gradcheck of the function (inputs, gradOutputs) -> the gradients of
// fn's outputs with respect to its differentiable inputs, weighted by gradOutputs, computed by
// autograd.grad with createGraph. Its analytical Jacobian is then a backward through the graph that
// createGraph recorded (second derivatives), its numerical one the finite differences of those first
// gradients. gradOutputs not given are drawn with randn (float64, the global generator: seed it with
// fl.manualSeed for a reproducible check, as torch's randn_like) and require grad.
import { describeArg } from './arity';
import { AutogradError, enableGrad, grad as autogradGrad, noGrad } from './autograd';
import { isFloating } from './dtype';
import { ValueError } from './errors';
import { contiguousStrides, fmt } from './shape';
import { tensor } from './ops/creation';
import { randn } from './ops/random';
import { scope, Tensor } from './tensor';
import { anyValue, bool, checkKeys, func, num, optional, required, signature, tooManyArgs } from './args';
import type { ArgsThenOptions } from './args';

/** Options of `gradcheck`: the finite-difference step and the tolerances `|a - n| <= atol + rtol |n|`. */
export interface GradcheckOptions {
  /** Step of the central differences (default 1e-6). */
  eps?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance, against the numerical value (default 1e-3). */
  rtol?: number;
  /** Throw an AutogradError naming the mismatch (default true), or return false (torch's raise_exception). */
  raiseException?: boolean;
}

/** How a check names its outputs and inputs in a mismatch (gradgradcheck's are gradients and gradOutputs). */
interface Labels {
  op: string;
  output(i: number): string;
  input(i: number): string;
}

function multiIndex(i: number, shape: readonly number[]): string {
  const idx = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) { idx[d] = i % shape[d]; i = Math.floor(i / shape[d]); }
  return `[${idx.join(', ')}]`;
}

function asList(v: unknown, op = 'gradcheck'): Tensor[] {
  const list = Array.isArray(v) ? v : [v];
  list.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new ValueError(`${op}: fn must return a Tensor or an array of Tensors, got ${t === null ? 'null' : typeof t} at output ${String(i)}`);
  });
  return list as Tensor[];
}

/**
 * Compares the gradients that autograd computes for `fn` with finite differences, for every
 * input that requires grad (which must be float64; other arguments are passed through as they
 * are). Returns true, or throws an `AutogradError` naming the output, the input, the elements
 * and both values where they differ by more than `atol + rtol * |numerical|` (returns false
 * instead with `raiseException: false`, as torch's).
 *
 * ```ts
 * const x = fl.randn([3, 4], { dtype: 'float64' }).requiresGrad_();
 * fl.gradcheck((a) => a.softmax(1).mul(a).sum(), [x]);  // true
 * ```
 */
export function gradcheck<Inputs extends unknown[]>(fn: (...inputs: Inputs) => Tensor | readonly Tensor[], inputs: Inputs | Readonly<Inputs>, options?: GradcheckOptions & { raiseException?: true }): true;
export function gradcheck<Inputs extends unknown[]>(fn: (...inputs: Inputs) => Tensor | readonly Tensor[], inputs: Inputs | Readonly<Inputs>, options: GradcheckOptions): boolean;
export function gradcheck<Inputs extends unknown[]>(fn: (...inputs: Inputs) => Tensor | readonly Tensor[], inputs: Inputs | Readonly<Inputs>, options: GradcheckOptions = {}): boolean {
  if (arguments.length > 3) tooManyArgs('gradcheck', 'fn, inputs, options', arguments);
  if (typeof fn !== 'function') throw new ValueError('gradcheck: fn must be a function');
  if (!Array.isArray(inputs)) throw new ValueError('gradcheck: inputs must be an array');
  checkKeys('gradcheck', options, ['eps', 'atol', 'rtol', 'raiseException']);
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3, raiseException = true } = options;
  for (const [k, v] of [['eps', eps], ['atol', atol], ['rtol', rtol]] as const) {
    if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v) || (k === 'eps' && v === 0)) {
      throw new ValueError(`gradcheck: ${k} must be a finite ${k === 'eps' ? 'positive' : 'non-negative'} number, got ${describeArg(v)}`);
    }
  }
  if (typeof raiseException !== 'boolean') throw new ValueError(`gradcheck: raiseException must be a boolean, got ${describeArg(raiseException)}`);
  const labels: Labels = { op: 'gradcheck', output: (i) => `output ${String(i)}`, input: (i) => `input ${String(i)}` };
  return compareJacobians(fn as (...xs: unknown[]) => unknown, inputs, { eps, atol, rtol, raiseException }, labels);
}

/**
 * The check itself: the analytical and numerical Jacobians of `fn` with respect to the inputs that
 * require grad, compared; true, or a mismatch thrown (false without raiseException).
 */
function compareJacobians(fn: (...xs: unknown[]) => unknown, inputs: readonly unknown[], opts: Required<GradcheckOptions>, labels: Labels): boolean {
  const { eps, atol, rtol } = opts;
  const op = labels.op;
  const checked = inputs.flatMap((t, i) => (t instanceof Tensor && t.requiresGrad ? [i] : []));
  if (checked.length === 0) throw new ValueError(`${op}: no input requires grad (set requiresGrad on the inputs to check)`);
  for (const i of checked) {
    const t = inputs[i] as Tensor;
    t._handleFor(op);
    if (t.dtype !== 'float64') {
      throw new ValueError(`${op}: ${labels.input(i)} (shape ${fmt(t._shape)}) is ${t.dtype}; finite differences need float64 inputs`);
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
    const outs = asList(enableGrad(() => fn(...args)), op);
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
      const r = asList(noGrad(() => fn(...argsFrom(vals, false).args)), op);
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

    for (let oi = 0; oi < outs.length; oi++) {
      if (!diff[oi]) continue;
      const out = outs[oi];
      for (let k = 0; k < checked.length; k++) {
        const i = checked[k];
        const a = analytical[oi][k], nu = numerical[oi][k], n = base[k].length;
        for (let p = 0; p < a.length; p++) {
          if (a[p] === nu[p]) continue;
          if (Math.abs(a[p] - nu[p]) <= atol + rtol * Math.abs(nu[p])) continue;
          if (!opts.raiseException) return false;
          const j = Math.floor(p / n), e = p % n;
          let worst = 0;
          for (let q = 0; q < a.length; q++) worst = Math.max(worst, Math.abs(a[q] - nu[q]));
          throw new AutogradError(
            `${op}: Jacobian mismatch for ${labels.output(oi)} (shape ${fmt(out._shape)}${out.gradFn ? `, from ${out.gradFn}` : ''}) ` +
            `with respect to ${labels.input(i)} (shape ${fmt(shapes[k])}) at output element ${multiIndex(j, out._shape)}, ` +
            `input element ${multiIndex(e, shapes[k])}: numerical ${String(nu[p])}, analytical ${String(a[p])} ` +
            `(atol ${describeArg(atol)}, rtol ${describeArg(rtol)}; largest difference over this Jacobian ${String(worst)})`,
          );
        }
      }
    }
    return true;
  });
}

/** Options of {@link gradgradcheck}: gradcheck's, and the gradients of fn's outputs to use. */
export interface GradgradcheckOptions extends GradcheckOptions {
  /**
   * The gradients of fn's outputs (one per output, float64; those that require grad are checked
   * too). Default: randn in float64 on each output's device, requiring grad.
   */
  gradOutputs?: Tensor | readonly Tensor[] | null;
}

const GRADGRAD_ARGS = signature('autograd.gradgradcheck', ['fn', 'inputs', 'gradOutputs'], {
  fn: required(func<(...xs: never[]) => unknown>()), inputs: required(anyValue<readonly unknown[]>()),
  gradOutputs: optional(anyValue<Tensor | readonly Tensor[] | null>()),
  eps: optional(num({ gt: 0, lt: Infinity }), 1e-6), atol: optional(num({ min: 0, lt: Infinity }), 1e-5), rtol: optional(num({ min: 0, lt: Infinity }), 1e-3),
  raiseException: optional(bool, true),
});

/**
 * Checks second derivatives as `torch.autograd.gradgradcheck`: gradcheck of the first gradients of
 * `fn` (autograd.grad with createGraph, weighted by `gradOutputs`) with respect to the inputs that
 * require grad and to the gradOutputs that do — so the backward of each op's backward is compared
 * with finite differences of its backward. Inputs to check are float64 and require grad. Returns
 * true, or throws an AutogradError naming the gradient and the input where they differ (false with
 * `raiseException: false`).
 * ```ts
 * const x = fl.randn([3], { dtype: 'float64' }).requiresGrad_();
 * fl.autograd.gradgradcheck((a) => a.tanh(), [x]);  // true
 * ```
 */
export function gradgradcheck<Inputs extends unknown[]>(fn: (...inputs: Inputs) => Tensor | readonly Tensor[], inputs: Inputs | Readonly<Inputs>, options?: GradgradcheckOptions & { raiseException?: true }): true;
export function gradgradcheck<Inputs extends unknown[]>(fn: (...inputs: Inputs) => Tensor | readonly Tensor[], inputs: Inputs | Readonly<Inputs>, gradOutputs: Tensor | readonly Tensor[] | null | undefined, options?: Omit<GradgradcheckOptions, 'gradOutputs'> & { raiseException?: true }): true;
export function gradgradcheck<Inputs extends unknown[]>(fn: (...inputs: Inputs) => Tensor | readonly Tensor[], inputs: Inputs | Readonly<Inputs>, options: GradgradcheckOptions): boolean;
export function gradgradcheck<Inputs extends unknown[]>(fn: (...inputs: Inputs) => Tensor | readonly Tensor[], inputs: Inputs | Readonly<Inputs>, ...args: ArgsThenOptions<[gradOutputs: Tensor | readonly Tensor[] | null], Omit<GradgradcheckOptions, 'gradOutputs'>>): boolean;
export function gradgradcheck(...args: unknown[]): boolean {
  const o = GRADGRAD_ARGS.parse(args);
  const op = 'autograd.gradgradcheck';
  const inputs = o.inputs;
  if (!Array.isArray(inputs)) throw new ValueError(`${op}: inputs must be an array, got ${describeArg(inputs)}`);
  const fn = o.fn as (...xs: unknown[]) => unknown;
  const diffInputs = inputs.flatMap((t, i) => (t instanceof Tensor && t.requiresGrad ? [i] : []));
  if (diffInputs.length === 0) throw new ValueError(`${op}: no input requires grad (set requiresGrad on the inputs to check)`);
  return scope(() => {
    let gradOutputs: Tensor[];
    if (o.gradOutputs == null) {
      // torch's randn_like of each output (float64 here: the check differentiates them too)
      const outs = asList(enableGrad(() => fn(...inputs)), op);
      gradOutputs = outs.map((out) => randn(out._shape.slice(), { dtype: 'float64', device: out.device }).requiresGrad_());
    } else {
      const list: unknown[] = o.gradOutputs instanceof Tensor ? [o.gradOutputs] : Array.isArray(o.gradOutputs) ? o.gradOutputs : [o.gradOutputs];
      list.forEach((g, j) => { if (!(g instanceof Tensor)) throw new ValueError(`${op}: gradOutputs[${j}] must be a Tensor, got ${describeArg(g)}`); });
      gradOutputs = list as Tensor[];
    }
    const n = inputs.length;
    let kept = diffInputs;  // the inputs whose gradients the last call returned (torch drops the None ones)
    // (inputs, gradOutputs) -> the first gradients, with the graph of their computation
    const firstGradients = (...xs: unknown[]): Tensor[] => enableGrad(() => {
      const ins = xs.slice(0, n), gs = xs.slice(n) as Tensor[];
      for (const i of diffInputs) { const t = ins[i] as Tensor; if (!t.requiresGrad) t.requiresGrad = true; }
      const outs = asList(fn(...ins), op);
      if (outs.length !== gs.length) throw new ValueError(`${op}: fn returned ${outs.length} output(s) for ${gs.length} gradOutputs`);
      const used = outs.flatMap((out, j) => (out.requiresGrad ? [j] : []));
      if (used.length === 0) throw new AutogradError(`${op}: no output of fn requires grad`);
      const gradients = autogradGrad(used.map((j) => outs[j]), diffInputs.map((i) => ins[i] as Tensor), { gradOutputs: used.map((j) => gs[j]), createGraph: true, allowUnused: true });
      kept = diffInputs.filter((_, m) => gradients[m] !== null);
      return gradients.filter((g): g is Tensor => g !== null);
    });
    const labels: Labels = {
      op,
      output: (j) => `the gradient of input ${String(kept[j])}`,
      input: (i) => (i < n ? `input ${String(i)}` : `gradOutputs[${String(i - n)}]`),
    };
    return compareJacobians(firstGradients, [...inputs, ...gradOutputs], { eps: o.eps, atol: o.atol, rtol: o.rtol, raiseException: o.raiseException }, labels);
  });
}
