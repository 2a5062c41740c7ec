// distribution.ts — the base class of fl.distributions (torch.distributions.Distribution): batch
// and event shapes, sampling, log-densities, the moments, `expand`, argument validation, and the
// lifetime of the tensors a distribution makes.
//
// Lifetime. A distribution's parameters are views (or, for numbers, new tensors) broadcast to its
// batch shape, made when it is constructed: like any op's result they belong to the enclosing
// `fl.scope` (if any), and `dispose()` frees them early. The parameter fields (`loc`, `probs`, …)
// are the distribution's own tensors: read them, do not dispose them. Everything a method or a
// getter returns (`sample()`, `logProb(x)`, `mean`, `entropy()`, …) is a new tensor the caller owns.
import { Tensor, scopeSync } from '../tensor';
import { describeArg, tooManyArgs } from '../arity';
import { DeviceError, DisposedError, DTypeError, FlintError, ShapeError, ValueError } from '../errors';
import { DType, isFloating, promoteTypes } from '../dtype';
import { getDefaultDtype } from '../defaults';
import { fmt, broadcastShapes } from '../shape';
import { noGrad } from '../autograd';
import { expand, full, to, exp, sqrt, sum, view } from '../ops';
import { Check } from '../args';
import type { Constraint } from './constraints';
import { allTrue } from './special';

/**
 * An operation a distribution does not have (torch's NotImplementedError): `rsample()` where
 * `hasRsample` is false, `cdf` of a family without one, `klDivergence` of an unregistered pair.
 */
export class NotImplementedError extends FlintError {}

/** The options every distribution's constructor takes. */
export interface DistributionOptions {
  /** Check the parameters (and logProb's values) against their constraints; default: `Distribution.setDefaultValidateArgs`'s (true). */
  validateArgs?: boolean;
}

let defaultValidate = true;

/** @internal A parameter of a constructor: a Tensor or a number (checked by `params`). */
export const tensorOrNumber: Check<Tensor | number> = (v, where) => {
  if (v instanceof Tensor || (typeof v === 'number')) return v;
  throw new ValueError(`${where} must be a Tensor or a number, got ${describeArg(v)}`);
};
/** @internal An optional boolean that may be left undefined. */
export const maybeBool: Check<boolean> = (v, where) => {
  if (typeof v !== 'boolean') throw new ValueError(`${where} must be a boolean, got ${describeArg(v)}`);
  return v;
};

/**
 * @internal torch's broadcast_all: numbers become tensors of the first tensor's dtype and device
 * (float32 on the CPU when all are numbers), floating tensors are promoted to one dtype, and all are
 * broadcast to one shape (expand views). `minDims` per value: the dims it must have (1 for a vector
 * parameter, whose last dim is its event). Throws for non-floating tensors and mixed devices.
 */
export function params(op: string, names: readonly string[], values: readonly (Tensor | number)[], eventDims: readonly number[] = []): Tensor[] {
  let dtype: DType | null = null, device: string | null = null, firstName = '';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v instanceof Tensor)) continue;
    if (v.isDisposed) throw new DisposedError(`${op}: ${names[i]} is a disposed tensor`);
    if (!isFloating(v.dtype)) throw new DTypeError(`${op}: ${names[i]} must be a floating-point tensor (or a number), got dtype ${v.dtype}`);
    if (device === null) { device = v.device; firstName = names[i]; }
    else if (v.device !== device) throw new DeviceError(`${op}: ${names[i]} is on ${v.device} but ${firstName} is on ${device}`);
    dtype = dtype === null ? v.dtype : promoteTypes(dtype, v.dtype);
  }
  const dt: DType = dtype ?? getDefaultDtype(), dev = device ?? 'cpu';
  const batchShapes = values.map((v, i) => {
    const s = v instanceof Tensor ? v.shape : [];
    const ev = eventDims[i] ?? 0;
    if (s.length < ev) throw new ValueError(`${op}: ${names[i]} must be at least ${ev === 1 ? 'one' : 'two'}-dimensional, got shape ${fmt(s)}`);
    return s.slice(0, s.length - ev);
  });
  let batch: number[];
  try { batch = broadcastShapes(op, ...batchShapes); } catch (e) {
    throw new ShapeError(`${op}: the shapes of ${names.join(', ')} do not broadcast (${batchShapes.map((s) => fmt(s)).join(', ')})`);
  }
  return values.map((v, i) => {
    const ev = eventDims[i] ?? 0;
    if (!(v instanceof Tensor)) return full(batch, v, { dtype: dt, device: dev });
    const shape = [...batch, ...v.shape.slice(v.ndim - ev)];
    return scopeSync(() => expand(v.dtype === dt ? v : to(v, dt), shape));
  });
}

/** @internal The sample shape of sample(sampleShape): an array of sizes (or one size). */
export function sampleShapeOf(op: string, v: unknown): number[] {
  if (v === undefined) return [];
  const ok = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0;
  if (ok(v)) return [v];
  if (Array.isArray(v) && v.every(ok)) return (v as number[]).slice();
  throw new ValueError(`${op}: sampleShape must be an array of non-negative integers, got ${describeArg(v)}`);
}

/**
 * The base class of the distributions (torch.distributions.Distribution). A distribution has a
 * `batchShape` (independent, differently parameterised copies) and an `eventShape` (the shape of
 * one draw: [] for scalars, [k] for vectors); `sample(sampleShape)` returns sampleShape + batchShape
 * + eventShape, and `logProb(value)` the log-density of each event (batch shape, broadcast).
 *
 * ```ts
 * const d = new fl.distributions.Normal(fl.zeros([3]), 1);
 * const lp = d.logProb(d.sample());   // shape [3]
 * ```
 */
export abstract class Distribution {
  /** @internal */ _batchShape: number[] = [];
  /** @internal */ _eventShape: number[] = [];
  /** @internal */ _owned: Tensor[] = [];
  /** @internal Distributions this one made and owns (an expanded base). */
  _subs: Distribution[] = [];
  /** @internal */ _validate = defaultValidate;
  /** @internal The class's name, for messages (set by each constructor). */
  readonly _name: string;

  /** A family's constructor names it (for messages). */
  protected constructor(name: string) { this._name = name; }

  /**
   * Sets whether new distributions validate their arguments by default (torch's
   * `Distribution.set_default_validate_args`; true unless changed): `fl.distributions.Distribution.setDefaultValidateArgs(false)`.
   */
  static setDefaultValidateArgs(value: boolean): void {
    if (arguments.length > 1) tooManyArgs('Distribution.setDefaultValidateArgs', 'value', arguments);
    if (typeof value !== 'boolean') throw new ValueError(`Distribution.setDefaultValidateArgs: value must be a boolean, got ${describeArg(value)}`);
    defaultValidate = value;
  }

  /** The shape over which parameters are batched: `new Normal(fl.zeros([2, 3]), 1).batchShape // [2, 3]` */
  get batchShape(): number[] { return this._batchShape.slice(); }
  /** The shape of one event (one draw): `[]` for scalar distributions, `[k]` for vectors. */
  get eventShape(): number[] { return this._eventShape.slice(); }
  /** Whether `rsample` exists (a reparameterized, differentiable sampler): `d.hasRsample`. */
  get hasRsample(): boolean { return false; }
  /** Whether `enumerateSupport` exists (the discrete families with a finite support). */
  get hasEnumerateSupport(): boolean { return false; }
  /** The set the values live in (a constraint: `d.support.name`, `d.support.check(x)`). */
  get support(): Constraint { throw new NotImplementedError(`${this._name}.support: not defined`); }
  /** The constraints of the parameters, by name (torch's arg_constraints). */
  get argConstraints(): Readonly<Record<string, Constraint>> { return {}; }
  /** Whether the arguments are validated (the constructor's `validateArgs`). */
  get validateArgs(): boolean { return this._validate; }

  /** The mean (a new tensor of batchShape + eventShape): `d.mean`. */
  get mean(): Tensor { return scopeSync(() => this._mean()); }
  /** The mode. */
  get mode(): Tensor { return scopeSync(() => this._mode()); }
  /** The variance. */
  get variance(): Tensor { return scopeSync(() => this._variance()); }
  /** The standard deviation (the variance's square root). */
  get stddev(): Tensor { return scopeSync(() => this._stddev()); }

  /** @internal */ _mean(): Tensor { throw new NotImplementedError(`${this._name}.mean: not implemented`); }
  /** @internal */ _mode(): Tensor { throw new NotImplementedError(`${this._name}.mode: not implemented`); }
  /** @internal */ _variance(): Tensor { throw new NotImplementedError(`${this._name}.variance: not implemented`); }
  /** @internal */ _stddev(): Tensor { return sqrt(this._variance()); }
  /** @internal */ _rsample(shape: number[]): Tensor { throw new NotImplementedError(`${this._name}.rsample: ${this._name} has no reparameterized sampler (hasRsample is false); use sample()`); }
  /** @internal */ _sample(shape: number[]): Tensor { return this._rsample(shape); }
  /** @internal */ _logProb(value: Tensor): Tensor { throw new NotImplementedError(`${this._name}.logProb: not implemented`); }
  /** @internal */ _cdf(value: Tensor): Tensor { throw new NotImplementedError(`${this._name}.cdf: not implemented (torch has no ${this._name}.cdf either)`); }
  /** @internal */ _icdf(value: Tensor): Tensor { throw new NotImplementedError(`${this._name}.icdf: not implemented (torch has no ${this._name}.icdf either)`); }
  /** @internal */ _entropy(): Tensor { throw new NotImplementedError(`${this._name}.entropy: not implemented`); }
  /** @internal */ _enumerate(expand: boolean): Tensor { throw new NotImplementedError(`${this._name}.enumerateSupport: ${this._name} has no enumerable support`); }
  /** @internal The tensor fields of the distribution and the event dims of each (for expand). */
  _fields(): readonly (readonly [string, number])[] { return []; }
  /** @internal A tensor of the distribution's dtype and device (for new tensors). */
  abstract _like(): Tensor;

  /** The dtype of the distribution's parameters (and of its samples, for the continuous ones). */
  get dtype(): DType { return this._like().dtype; }
  /** The device of the distribution's tensors (and of its samples). */
  get device(): string { return this._like().device; }

  /**
   * Draws a sample of shape sampleShape + batchShape + eventShape, with no gradient (torch's
   * `sample(sample_shape=())`): `d.sample()`, `d.sample([1000])`. Follows `fl.manualSeed`.
   */
  sample(sampleShape?: readonly number[] | number): Tensor {
    if (arguments.length > 1) tooManyArgs(`${this._name}.sample`, 'sampleShape', arguments);
    const shape = this._extendedShape(sampleShapeOf(`${this._name}.sample`, sampleShape));
    return noGrad(() => scopeSync(() => this._sample(shape)));
  }

  /**
   * A reparameterized sample (differentiable in the parameters): `d.rsample([16])`. Throws
   * NotImplementedError where `hasRsample` is false (the discrete families, MixtureSameFamily).
   */
  rsample(sampleShape?: readonly number[] | number): Tensor {
    if (arguments.length > 1) tooManyArgs(`${this._name}.rsample`, 'sampleShape', arguments);
    const shape = this._extendedShape(sampleShapeOf(`${this._name}.rsample`, sampleShape));
    if (!this.hasRsample) throw new NotImplementedError(`${this._name}.rsample: ${this._name} has no reparameterized sampler (hasRsample is false); use sample()`);
    return scopeSync(() => this._rsample(shape));
  }

  /** The log of the density (or mass) at `value`, one per event: `d.logProb(x)`. */
  logProb(value: Tensor): Tensor {
    if (arguments.length > 1) tooManyArgs(`${this._name}.logProb`, 'value', arguments);
    this._checkValue('logProb', value);
    return scopeSync(() => this._logProb(value));
  }

  /** The cumulative distribution function at `value`: `d.cdf(x)`. */
  cdf(value: Tensor): Tensor {
    if (arguments.length > 1) tooManyArgs(`${this._name}.cdf`, 'value', arguments);
    this._checkValue('cdf', value);
    return scopeSync(() => this._cdf(value));
  }

  /** The inverse of the cdf at probabilities `value`: `d.icdf(fl.tensor([0.5]))`. */
  icdf(value: Tensor): Tensor {
    if (arguments.length > 1) tooManyArgs(`${this._name}.icdf`, 'value', arguments);
    if (!(value instanceof Tensor)) throw new ValueError(`${this._name}.icdf: value must be a Tensor, got ${describeArg(value)}`);
    return scopeSync(() => this._icdf(value));
  }

  /** The entropy of each distribution of the batch (batchShape): `d.entropy()`. */
  entropy(): Tensor {
    if (arguments.length > 0) tooManyArgs(`${this._name}.entropy`, '', arguments);
    return scopeSync(() => this._entropy());
  }

  /** exp(entropy) (torch's perplexity). */
  perplexity(): Tensor {
    if (arguments.length > 0) tooManyArgs(`${this._name}.perplexity`, '', arguments);
    return scopeSync(() => exp(this._entropy()));
  }

  /**
   * Every value of a finite support, along a new leading dim (`[n, ...batchShape]` with `expand`,
   * the default; `[n, 1, …]` without): `new Bernoulli(p).enumerateSupport()`.
   */
  enumerateSupport(expand = true): Tensor {
    if (arguments.length > 1) tooManyArgs(`${this._name}.enumerateSupport`, 'expand', arguments);
    if (typeof expand !== 'boolean') throw new ValueError(`${this._name}.enumerateSupport: expand must be a boolean, got ${describeArg(expand)}`);
    return scopeSync(() => this._enumerate(expand));
  }

  /**
   * A new distribution of the same family with its parameters expanded (views) to `batchShape`,
   * as torch's `expand`: `new Normal(0, 1).expand([4])`. The new one owns its views.
   */
  expand(batchShape: readonly number[]): this {
    if (arguments.length > 1) tooManyArgs(`${this._name}.expand`, 'batchShape', arguments);
    const op = `${this._name}.expand`;
    if (!Array.isArray(batchShape) || !batchShape.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 0)) {
      throw new ValueError(`${op}: batchShape must be an array of non-negative integers, got ${describeArg(batchShape)}`);
    }
    const shape = (batchShape as number[]).slice();
    let ok = shape.length >= this._batchShape.length;
    const off = shape.length - this._batchShape.length;
    for (let i = 0; ok && i < this._batchShape.length; i++) ok = this._batchShape[i] === 1 || this._batchShape[i] === shape[off + i];
    if (!ok) throw new ShapeError(`${op}: cannot expand batch shape ${fmt(this._batchShape)} to ${fmt(shape)}`);
    const out = Object.create(Object.getPrototypeOf(this)) as this;
    Object.assign(out, this);
    out._owned = [];
    out._subs = [];
    out._batchShape = shape;
    const nb = this._batchShape.length;
    scopeSync(() => {
      for (const [name, ev] of this._fields()) {
        const t = (this as unknown as Record<string, Tensor>)[name];
        // ev < 0: shared as it is (a view of the same shape), not expanded
        const v = ev < 0 ? view(t, t.shape) : expand(t, [...shape, ...t.shape.slice(nb)]);
        (out as unknown as Record<string, Tensor>)[name] = out._own(v);
      }
      return out._owned.slice();
    });
    out._afterExpand(this);
    return out;
  }
  /** @internal For families that hold other distributions (expand them too). */
  _afterExpand(from: Distribution): void { /* nothing to do */ }

  /**
   * Frees the tensors this distribution made (its broadcast parameters); using it afterwards
   * throws DisposedError. The tensors passed to the constructor stay the caller's.
   */
  dispose(): void {
    if (arguments.length > 0) tooManyArgs(`${this._name}.dispose`, '', arguments);
    for (const t of this._owned) if (!t.isDisposed) t.dispose();
    for (const d of this._subs) d.dispose();
    this._owned = [];
    this._subs = [];
  }
  [Symbol.dispose](): void { this.dispose(); }

  /** `Normal(loc: [2], scale: [2])`: the family and its parameters' shapes. */
  toString(): string {
    const parts = this._fields().filter(([, ev]) => ev >= 0).map(([n]) => {
      const t = (this as unknown as Record<string, Tensor>)[n];
      return `${n}: ${t.isDisposed ? 'disposed' : fmt(t.shape)}`;
    });
    return `${this._name}(${parts.join(', ')})`;
  }

  // ---- for the families ------------------------------------------------------------------------

  /** @internal Takes ownership of a tensor this distribution made; returns it. */
  _own<T extends Tensor>(t: T): T { this._owned.push(t); return t; }

  /** @internal Sets the shapes and the validation flag, then checks the parameters named in `given`. */
  _init(batchShape: readonly number[], eventShape: readonly number[], validateArgs: boolean | undefined, given: Readonly<Record<string, Tensor>>): void {
    this._batchShape = batchShape.slice();
    this._eventShape = eventShape.slice();
    this._validate = validateArgs ?? defaultValidate;
    if (!this._validate) return;
    const cons = this.argConstraints;
    for (const name of Object.keys(given)) {
      const c = cons[name];
      if (!c) continue;
      const value = given[name];
      if (!scopeSync(() => allTrue(c.check(value)))) {
        throw new ValueError(`${this._name}: expected parameter ${name} (Tensor of shape ${fmt(value.shape)}) to satisfy the constraint ${c.name}, but found invalid values`);
      }
    }
  }

  /** @internal sampleShape + batchShape + eventShape */
  _extendedShape(sampleShape: readonly number[]): number[] { return [...sampleShape, ...this._batchShape, ...this._eventShape]; }

  /** @internal torch's _validate_sample (when validating): a Tensor whose shape broadcasts, inside the support. */
  _checkValue(method: string, value: unknown): asserts value is Tensor {
    const op = `${this._name}.${method}`;
    if (!(value instanceof Tensor)) throw new ValueError(`${op}: value must be a Tensor, got ${describeArg(value)}`);
    if (!this._validate) return;
    const shape = value.shape, ev = this._eventShape;
    const tail = shape.slice(Math.max(0, shape.length - ev.length));
    if (shape.length < ev.length || fmt(tail) !== fmt(ev)) {
      throw new ValueError(`${op}: the right-most size of value must match eventShape: ${fmt(shape)} vs ${fmt(ev)}`);
    }
    const want = [...this._batchShape, ...ev];
    for (let i = 1; i <= Math.min(shape.length, want.length); i++) {
      const a = shape[shape.length - i], b = want[want.length - i];
      if (a !== 1 && b !== 1 && a !== b) throw new ValueError(`${op}: value is not broadcastable with batchShape + eventShape: ${fmt(shape)} vs ${fmt(want)}`);
    }
    if (!scopeSync(() => allTrue(this.support.check(value)))) {
      throw new ValueError(`${op}: expected value argument (Tensor of shape ${fmt(shape)}) to be within the support (${this.support.name}) of the distribution ${this.toString()}, but found invalid values`);
    }
  }
}

/** @internal Sums the rightmost n dims (torch's _sum_rightmost). */
export function sumRightmost(t: Tensor, n: number): Tensor {
  if (n <= 0) return t;
  const dims = Array.from({ length: n }, (_, i) => -1 - i);
  return sum(t, dims);
}
