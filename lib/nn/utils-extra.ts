// utils-extra.ts — the rest of torch.nn.utils that works on modules (1.13 semantics, camelCase):
//   - `parametrizations.weightNorm` / `spectralNorm`: the parametrizations torch ships (weightNorm in
//     torch 2.x's form: original0 = g, original1 = v; torch 1.13 has only the legacy API, whose
//     math it matches: w = g · v / ‖v‖ over every dim but `dim`);
//   - the legacy `weightNorm` / `removeWeightNorm` (parameters weight_g, weight_v) and
//     `spectralNorm` / `removeSpectralNorm` (weight_orig, buffers weight_u, weight_v), which recompute
//     `module.weight` in a forward pre-hook, as torch 1.13's;
//   - `parametersToVector` / `vectorToParameters`;
//   - `fusion`: eval-mode folding of a BatchNorm into the conv or linear before it;
//   - `stateless.functionalCall` (also `fl.func.functionalCall`): a forward with other tensors in
//     place of named parameters and buffers.
//
// Memory: the tensors these functions store in a module belong to the enclosing scope, as those a
// layer's constructor makes (apply them outside a scope). The legacy hooks' computed `module.weight`
// is the module's (taken out of the forward's scope): each forward frees the previous one, and
// removal or `module.dispose()` the last. Everything else returns tensors its caller owns.
import * as A from '../args';
import { optional, required, signature } from '../args';
import { describeArg } from '../arity';
import { noGrad } from '../autograd';
import { DeviceError, DTypeError, IndexError, ShapeError, ValueError } from '../errors';
import { eye, onesLike, zeros, zerosLike } from '../ops/creation';
import { qr } from '../ops/decomp';
import { matrixExp, solve } from '../ops/linalg';
import { vectorNormOp } from '../ops/norms';
import { randn } from '../ops/random';
import { cat } from '../ops/views';
import { fmt } from '../shape';
import { keep, scope, Tensor } from '../tensor';
import type { RemovableHandle } from '../autograd';
import { normalize } from './distance';
import { isParameter, Module, Parameter } from './module';
import { alias, deepCopyModule } from './params';
import { isParametrized, registerParametrization } from './parametrize';
import type { Parametrized } from './parametrize';

const isModule = (v: unknown, where: string): Module => {
  if (!(v instanceof Module)) throw new ValueError(`${where} must be an nn.Module, got ${describeArg(v)}`);
  return v;
};
const moduleCheck: A.Check<Module> = isModule;

// ---- torch.nn.utils.parametrizations -----------------------------------------------------------------

/**
 * @internal torch's norm_except_dim(v, 2, dim): the 2-norm of v over every dim but `dim`, kept as
 * size-1 dims (dim -1: the norm of the whole tensor, a 0-dim tensor).
 */
export function normExceptDim(v: Tensor, dim: number, op: string): Tensor {
  if (dim === -1) return vectorNormOp(v, 2, null, false, null, op);
  const n = v.ndim;
  if (!Number.isInteger(dim) || dim < -n || dim >= n) throw new IndexError(`${op}: dim ${describeArg(dim)} is out of range for a tensor of shape ${fmt(v._shape)}`);
  const d = dim < 0 ? dim + n : dim;
  const dims = Array.from({ length: n }, (_, i) => i).filter((i) => i !== d);
  if (dims.length === 0) return v.abs();
  return vectorNormOp(v, 2, dims, true, null, op);
}

/** @internal torch's _weight_norm(v, g, dim): v · (g / norm_except_dim(v, 2, dim)). */
export function weightNormOp(v: Tensor, g: Tensor, dim: number, op: string): Tensor {
  return scope(() => v.mul(g.div(normExceptDim(v, dim, op))));
}

/** weightNorm's parametrization (torch's _WeightNorm): forward(g, v) = g · v / ‖v‖; rightInverse(w) = [‖w‖, w]. */
class WeightNormParametrization extends Module {
  /** @internal removeParametrizations frees what this module holds. */ readonly _freeOnRemoval = true;
  constructor(readonly dim: number) { super(); }
  forward(g: Tensor, v: Tensor): Tensor { return weightNormOp(v, g, this.dim, 'parametrizations.weightNorm'); }
  rightInverse(w: Tensor): Tensor[] { return [normExceptDim(w, this.dim, 'parametrizations.weightNorm'), w]; }
  extraRepr(): string { return ''; }
}

const WEIGHT_NORM_ARGS = signature('parametrizations.weightNorm', ['module', 'name', 'dim'], {
  module: required(moduleCheck), name: optional(A.str, 'weight'), dim: optional(A.nullable(A.int()), 0),
});

/**
 * Weight normalization as a parametrization, as torch 2.x's
 * `torch.nn.utils.parametrizations.weight_norm`: `module[name]` becomes `g · v / ‖v‖`, the norm over
 * every dim but `dim` (null: over all of them), with `parametrizations.<name>.original0` = g and
 * `original1` = v (v is the former parameter itself). Returns the module.
 *
 * ```ts
 * const lin = fl.nn.utils.parametrizations.weightNorm(new nn.Linear(20, 40));
 * ```
 */
export function paramWeightNorm<M extends Module>(module: M, name?: string, dim?: number | null): Parametrized<M>;
export function paramWeightNorm<M extends Module>(module: M, options: { name?: string; dim?: number | null }): Parametrized<M>;
export function paramWeightNorm(...args: unknown[]): Module {
  const o = WEIGHT_NORM_ARGS.parse(args);
  const p = new WeightNormParametrization(o.dim ?? -1);
  return registerParametrization(o.module, o.name, p, { unsafe: true });
}

/** spectralNorm's parametrization (torch's _SpectralNorm): weight / σ, σ by power iteration on the buffers _u and _v. */
class SpectralNormParametrization extends Module {
  /** @internal removeParametrizations frees its buffers u and v. */ readonly _freeOnRemoval = true;
  readonly dim: number;
  readonly eps: number;
  readonly nPowerIterations: number;
  constructor(weight: Tensor, nPowerIterations: number, dim: number, eps: number) {
    super();
    const op = 'parametrizations.spectralNorm';
    const n = weight.ndim;
    if (dim >= n || dim < -n) throw new IndexError(`${op}: dimension out of range (expected to be in range of [${-n}, ${n - 1}] but got ${describeArg(dim)})`);
    if (nPowerIterations <= 0) throw new ValueError(`${op}: expected nPowerIterations to be positive, but got nPowerIterations=${describeArg(nPowerIterations)}`);
    this.dim = dim >= 0 ? dim : dim + n;
    this.eps = eps;
    this.nPowerIterations = nPowerIterations;
    if (n > 1) {
      noGrad(() => {
        const [u, v] = scope(() => {
          const w = this.matrix(weight);
          const opts = { dtype: weight.dtype, device: weight.device };
          return [normalize(randn([w._shape[0]], opts), 2, 0, eps), normalize(randn([w._shape[1]], opts), 2, 0, eps)];
        });
        this.registerBuffer('_u', u);
        this.registerBuffer('_v', v);
        scope(() => this.powerMethod(this.matrix(weight), 15));
      });
    }
  }
  /** The weight as a matrix [weight.shape[dim], rest]. */
  matrix(weight: Tensor): Tensor {
    const w = this.dim === 0 ? weight : weight.permute([this.dim, ...Array.from({ length: weight.ndim }, (_, i) => i).filter((i) => i !== this.dim)]);
    return w.flatten(1);
  }
  private get u(): Tensor { return this._buffers.get('_u')!; }
  private get v(): Tensor { return this._buffers.get('_v')!; }
  /** u ← normalize(W v), v ← normalize(Wᵀ u), n times, in place (no gradient). */
  powerMethod(w: Tensor, n: number): void {
    noGrad(() => scope(() => {
      for (let i = 0; i < n; i++) {
        this.u.copy_(normalize(w.mv(this.v), 2, 0, this.eps));
        this.v.copy_(normalize(w.t().mv(this.u), 2, 0, this.eps));
      }
    }));
  }
  forward(weight: Tensor): Tensor {
    if (weight.ndim === 1) return normalize(weight, 2, 0, this.eps);
    return scope(() => {
      const w = this.matrix(weight);
      if (this.training) this.powerMethod(w, this.nPowerIterations);
      const u = this.u.clone(), v = this.v.clone();
      const sigma = u.dot(w.mv(v));
      return weight.div(sigma);
    });
  }
  rightInverse(value: Tensor): Tensor { return value; }
}

const SPECTRAL_NORM_ARGS = signature('parametrizations.spectralNorm', ['module', 'name', 'nPowerIterations', 'eps', 'dim'], {
  module: required(moduleCheck), name: optional(A.str, 'weight'), nPowerIterations: optional(A.int(), 1),
  eps: optional(A.num(), 1e-12), dim: optional(A.nullable(A.int()), null),
});

/** @internal The default `dim` of spectral norm: 1 for the transposed convolutions (their weight is [in, out, …]), else 0. */
export function outputDim(module: Module): number {
  return /^ConvTranspose[123]d$/.test(module.constructor.name) ? 1 : 0;
}

/**
 * Spectral normalization as a parametrization, as torch's
 * `torch.nn.utils.parametrizations.spectral_norm`: `module[name]` becomes `W / σ(W)`, σ the largest
 * singular value of W (as a matrix over `dim`: default 0, 1 for the transposed convolutions),
 * estimated by power iteration on the buffers `parametrizations.<name>.0._u` and `._v`, which run
 * `nPowerIterations` more steps at every read in training mode (and 15 at registration), none in
 * eval mode. A 1-D tensor is divided by its norm. Returns the module.
 *
 * ```ts
 * const d = fl.nn.utils.parametrizations.spectralNorm(new nn.Linear(20, 40));
 * ```
 */
export function paramSpectralNorm<M extends Module>(module: M, name?: string, nPowerIterations?: number, eps?: number, dim?: number | null): Parametrized<M>;
export function paramSpectralNorm<M extends Module>(module: M, options: { name?: string; nPowerIterations?: number; eps?: number; dim?: number | null }): Parametrized<M>;
export function paramSpectralNorm(...args: unknown[]): Module {
  const o = SPECTRAL_NORM_ARGS.parse(args);
  const op = 'parametrizations.spectralNorm';
  const { module, name } = o;
  const parametrized = isParametrized(module, name);
  const weight: unknown = parametrized || Object.prototype.hasOwnProperty.call(module, name) || module._buffers.has(name) ? (module as unknown as Record<string, unknown>)[name] : undefined;
  if (!(weight instanceof Tensor)) throw new ValueError(`${op}: module ${module.constructor.name} has no parameter or buffer with name ${describeArg(name)}`);
  try {
    const p = new SpectralNormParametrization(weight, o.nPowerIterations, o.dim ?? outputDim(module), o.eps);
    try { registerParametrization(module, name, p); } catch (e) { for (const b of p.buffers()) b.dispose(); throw e; }
  } finally {
    if (parametrized) weight.dispose();
  }
  return module;
}

// ---- orthogonal -------------------------------------------------------------------------------------

/** torch's linalg.householder_product(A, tau): H_1 ⋯ H_k [:, :k], H_i = I − τ_i v_i v_iᵀ, v_i = (0, …, 1, A[i+1:, i]). */
function householderProduct(a: Tensor, tau: Tensor): Tensor {
  return scope(() => {
    const n = a._shape[a.ndim - 2], k = a._shape[a.ndim - 1];
    const eyeNk = eye(n, k, { dtype: a.dtype, device: a.device });
    const v = a.tril(-1).add(eyeNk);
    let q: Tensor = eyeNk.expand([...a._shape.slice(0, -2), n, k]);
    for (let i = k - 1; i >= 0; i--) {
      const vi = v.narrow(-1, i, 1);                               // [..., n, 1]
      const ti = tau.narrow(-1, i, 1).unsqueeze(-1);                // [..., 1, 1]
      q = q.sub(vi.mul(ti).matmul(vi.transpose(-2, -1).matmul(q)));
    }
    return q;
  });
}

/** The Q of A's QR with R's diagonal made positive (torch's _make_orthogonal). */
function makeOrthogonal(a: Tensor): Tensor {
  return scope(() => {
    const [q, r] = qr(a);
    return q.mul(r.diagonal(0, -2, -1).sign().unsqueeze(-2));
  });
}

/** torch's _is_orthogonal: QᵀQ close to I (allclose, atol 10·n·eps of the dtype, rtol 1e-5). One readback. */
function isOrthogonal(q: Tensor): boolean {
  const n = q._shape[q.ndim - 2], k = q._shape[q.ndim - 1];
  const eps = { float64: 2.220446049250313e-16, float32: 1.1920928955078125e-7, float16: 9.765625e-4, bfloat16: 7.8125e-3 }[q.dtype as 'float32'] ?? 1.1920928955078125e-7;
  return scope(() => {
    const id = eye(k, { dtype: q.dtype, device: q.device });
    const excess = q.transpose(-2, -1).matmul(q).sub(id).abs().sub(id.mul(1e-5).add(10 * n * eps));
    return excess.numel === 0 || excess.amax().item() <= 0;
  });
}

type OrthogonalMap = 'matrix_exp' | 'cayley' | 'householder';

/** orthogonal's parametrization (torch's _Orthogonal): an orthogonal Q from a free matrix, times the buffer `base` (the trivialization). */
class OrthogonalParametrization extends Module {
  /** @internal removeParametrizations frees its buffer base. */ readonly _freeOnRemoval = true;
  readonly shape: number[];
  constructor(weight: Tensor, readonly orthogonalMap: OrthogonalMap, readonly useTrivialization: boolean) {
    super();
    this.shape = weight._shape.slice();
    if (useTrivialization) this.registerBuffer('base', null);
    else if (orthogonalMap !== 'householder') {
      // torch's right_inverse raises NotImplementedError here: registration keeps the weight as the original, and assignment is refused
      Object.defineProperty(this, 'rightInverse', { value: undefined, enumerable: false, configurable: true });
    } else {
      throw new ValueError("parametrizations.orthogonal: orthogonalMap 'householder' with useTrivialization = false needs torch.geqrf, which flintml does not have; use useTrivialization = true");
    }
  }

  forward(x0: Tensor): Tensor {
    return scope(() => {
      let x = x0;
      let n = x._shape[x.ndim - 2], k = x._shape[x.ndim - 1];
      const transposed = n < k;
      if (transposed) { x = x.transpose(-2, -1); [n, k] = [k, n]; }
      let q: Tensor;
      if (this.orthogonalMap === 'householder') {
        const a = x.tril(-1);
        const tau = a.mul(a).sum(-2).add(1).reciprocal().mul(2);
        q = householderProduct(a, tau).mul(x.diagonal(0, -2, -1).to('int32').unsqueeze(-2));
      } else {
        let t = x.tril();
        if (n !== k) t = cat([t, zeros([...t._shape.slice(0, -2), n, n - k], { dtype: t.dtype, device: t.device })], -1);
        const a = t.sub(t.transpose(-2, -1));
        if (this.orthogonalMap === 'matrix_exp') q = matrixExp(a);
        else {
          const id = eye(n, { dtype: a.dtype, device: a.device });
          q = solve(id.sub(a.mul(0.5)), id.add(a.mul(0.5)));
        }
        if (n !== k) q = q.narrow(-1, 0, k);
      }
      const base = this._buffers.get('base');
      if (this.useTrivialization && base) q = base.matmul(q);
      return transposed ? q.transpose(-2, -1) : q;
    });
  }

  rightInverse(q0: Tensor): Tensor {
    const op = 'parametrizations.orthogonal';
    if (q0._shape.length !== this.shape.length || q0._shape.some((s, i) => s !== this.shape[i])) {
      throw new ValueError(`${op}: expected a matrix or batch of matrices of shape ${fmt(this.shape)}, got a tensor of shape ${fmt(q0._shape)}`);
    }
    return noGrad(() => {
      let q = q0;
      let n = q._shape[q.ndim - 2], k = q._shape[q.ndim - 1];
      if (n < k) { q = q.transpose(-2, -1); [n, k] = [k, n]; }
      // the trivialization's base: q itself when orthogonal, else made orthogonal (a non-square one completed by random columns)
      const base = keep(scope(() => {
        if (n === k) return isOrthogonal(q) ? q.clone() : makeOrthogonal(q);
        const extra = randn([...q._shape.slice(0, -2), n, n - k], { dtype: q.dtype, device: q.device });
        return makeOrthogonal(cat([q, extra], -1));
      }));
      this._buffers.get('base')?.dispose();
      this._buffers.set('base', base);
      const n0 = q0._shape[q0.ndim - 2], k0 = q0._shape[q0.ndim - 1];
      return scope(() => eye(n0, k0, { dtype: q0.dtype, device: q0.device }).neg().expand(q0._shape).contiguous());
    });
  }
}

const ORTHOGONAL_ARGS = signature('parametrizations.orthogonal', ['module', 'name', 'orthogonalMap'], {
  module: required(moduleCheck), name: optional(A.str, 'weight'), orthogonalMap: optional(A.nullable(A.oneOf<OrthogonalMap>('matrix_exp', 'cayley', 'householder')), null),
  useTrivialization: optional(A.bool, true),
});

/**
 * An orthogonal (or, for a non-square matrix, semi-orthogonal: orthonormal columns or rows)
 * parametrization, as torch's `torch.nn.utils.parametrizations.orthogonal`: `module[name]` (a
 * matrix or a batch of them) becomes Q(X) from the free matrix X =
 * `parametrizations.<name>.original`, by the matrix exponential of the skew-symmetric part
 * (`'matrix_exp'`, the default for square matrices), the Cayley map (`'cayley'`), or a product of
 * Householder reflections (`'householder'`, the default otherwise). With `useTrivialization` (the
 * default), Q is multiplied by the buffer `parametrizations.<name>.0.base`, which holds the current
 * matrix when it is registered or assigned (X then starts at −I). A non-square base is completed with
 * random columns (flintml's generator, so not torch's values). Returns the module.
 *
 * ```ts
 * const l = fl.nn.utils.parametrizations.orthogonal(new nn.Linear(4, 4));  // l.weight · l.weightᵀ = I
 * ```
 */
export function paramOrthogonal<M extends Module>(module: M, name?: string, orthogonalMap?: OrthogonalMap | null, options?: { useTrivialization?: boolean }): Parametrized<M>;
export function paramOrthogonal<M extends Module>(module: M, options: { name?: string; orthogonalMap?: OrthogonalMap | null; useTrivialization?: boolean }): Parametrized<M>;
export function paramOrthogonal(...args: unknown[]): Module {
  const o = ORTHOGONAL_ARGS.parse(args);
  const op = 'parametrizations.orthogonal';
  const { module, name } = o;
  const parametrized = isParametrized(module, name);
  const weight: unknown = parametrized || Object.prototype.hasOwnProperty.call(module, name) || module._buffers.has(name) ? (module as unknown as Record<string, unknown>)[name] : undefined;
  if (!(weight instanceof Tensor)) throw new ValueError(`${op}: module ${module.constructor.name} has no parameter or buffer with name ${describeArg(name)}`);
  try {
    if (weight.ndim < 2) throw new ShapeError(`${op}: expected a matrix or batch of matrices, got a tensor of shape ${fmt(weight._shape)}`);
    if (weight.dtype !== 'float32' && weight.dtype !== 'float64' && weight.dtype !== 'float16' && weight.dtype !== 'bfloat16') throw new DTypeError(`${op}: expected a floating-point weight, got ${weight.dtype}`);
    const map = o.orthogonalMap ?? (weight._shape[weight.ndim - 2] === weight._shape[weight.ndim - 1] ? 'matrix_exp' : 'householder');
    const p = new OrthogonalParametrization(weight, map, o.useTrivialization);
    try { registerParametrization(module, name, p, { unsafe: true }); } catch (e) { for (const b of p.buffers()) b.dispose(); throw e; }
    // the base rightInverse made (out of its scope) belongs to the enclosing scope, as the originals do
    const base = p._buffers.get('base');
    if (base) { p._buffers.set('base', noGrad(() => alias(base))); base.dispose(); }
  } finally {
    if (parametrized) weight.dispose();
  }
  return module;
}

/**
 * torch.nn.utils.parametrizations: the parametrizations torch ships, registered with
 * `parametrize.registerParametrization`: `fl.nn.utils.parametrizations.weightNorm(new nn.Linear(4, 8))`.
 */
export const parametrizations = Object.freeze({ weightNorm: paramWeightNorm, spectralNorm: paramSpectralNorm, orthogonal: paramOrthogonal });

// ---- the legacy hooks: nn.utils.weightNorm / spectralNorm ------------------------------------------

interface LegacyEntry { kind: 'weightNorm' | 'spectralNorm'; handle: RemovableHandle; dim: number }
const LEGACY = new WeakMap<Module, Map<string, LegacyEntry>>();
type Fields = Record<string, unknown>;

/**
 * Stores the computed tensor as module[name] (not a parameter) and frees the one it replaces; a
 * forward's (`own`) is taken out of the forward's scope: the module owns it.
 */
function setComputed(module: Module, name: string, t: Tensor, own: boolean): void {
  const prev = Object.getOwnPropertyDescriptor(module, name)?.value as unknown;
  Object.defineProperty(module, name, { value: own ? keep(t) : t, writable: true, enumerable: false, configurable: true });
  if (prev instanceof Tensor && prev !== t) prev.dispose();
  if (!Object.prototype.hasOwnProperty.call(module, 'dispose')) {
    // module.dispose() frees the computed weights too (they are neither parameters nor buffers)
    Object.defineProperty(module, 'dispose', {
      value: function disposeWithComputed(this: Module): void {
        for (const k of LEGACY.get(this)?.keys() ?? []) { const w = (this as unknown as Fields)[k]; if (w instanceof Tensor) w.dispose(); }
        Object.getPrototypeOf(this).dispose.call(this);
      },
      writable: true, enumerable: false, configurable: true,
    });
  }
}

/** The module's own parameter `name` (a field holding a Parameter), or a ValueError naming op. */
function ownParameter(module: Module, name: string, op: string): Tensor {
  const d = Object.getOwnPropertyDescriptor(module, name);
  if (!d || !('value' in d) || !isParameter(d.value)) throw new ValueError(`${op}: module ${module.constructor.name} has no parameter named ${describeArg(name)}`);
  return d.value as Tensor;
}

function legacyEntries(module: Module): Map<string, LegacyEntry> {
  let m = LEGACY.get(module);
  if (!m) { m = new Map(); LEGACY.set(module, m); }
  return m;
}

const LEGACY_WEIGHT_NORM_ARGS = signature('weightNorm', ['module', 'name', 'dim'], {
  module: required(moduleCheck), name: optional(A.str, 'weight'), dim: optional(A.nullable(A.int()), 0),
});

/**
 * Weight normalization with a forward pre-hook, as torch 1.13's `torch.nn.utils.weight_norm`: the
 * parameter `name` is replaced by `name_g` (its norm over every dim but `dim`; null: over all) and
 * `name_v` (the former parameter itself), and before each forward `module[name] = g · v / ‖v‖`.
 * The computed weight is held by the module (each forward frees the previous one). Prefer
 * `parametrizations.weightNorm`. Returns the module.
 *
 * ```ts
 * const lin = fl.nn.utils.weightNorm(new nn.Linear(20, 40));  // lin.weight_g [40, 1], lin.weight_v [40, 20]
 * ```
 */
export function weightNorm<M extends Module>(module: M, name?: string, dim?: number | null): M;
export function weightNorm<M extends Module>(module: M, options: { name?: string; dim?: number | null }): M;
export function weightNorm(...args: unknown[]): Module {
  const o = LEGACY_WEIGHT_NORM_ARGS.parse(args);
  const op = 'weightNorm';
  const { module, name } = o;
  const entries = legacyEntries(module);
  if (entries.get(name)?.kind === 'weightNorm') throw new ValueError(`${op}: cannot register two weightNorm hooks on the same parameter ${describeArg(name)}`);
  const dim = o.dim ?? -1;
  const weight = ownParameter(module, name, op);
  const g = Parameter(noGrad(() => normExceptDim(weight, dim, op)));
  const fields = module as unknown as Fields;
  delete fields[name];
  fields[`${name}_g`] = g;
  fields[`${name}_v`] = weight;
  const compute = (m: Module): Tensor => weightNormOp((m as unknown as Fields)[`${name}_v`] as Tensor, (m as unknown as Fields)[`${name}_g`] as Tensor, dim, op);
  setComputed(module, name, compute(module), false);
  const handle = module.registerForwardPreHook((m) => { setComputed(m, name, compute(m), true); });
  entries.set(name, { kind: 'weightNorm', handle, dim });
  return module;
}

const REMOVE_WEIGHT_NORM_ARGS = signature('removeWeightNorm', ['module', 'name'], { module: required(moduleCheck), name: optional(A.str, 'weight') });

/**
 * Removes the legacy weight normalization of `name`, as torch's `remove_weight_norm`: `module[name]`
 * becomes a new parameter holding g · v / ‖v‖, and name_g, name_v are freed. Returns the module.
 *
 * ```ts
 * fl.nn.utils.removeWeightNorm(lin);
 * ```
 */
export function removeWeightNorm<M extends Module>(module: M, name?: string): M;
export function removeWeightNorm<M extends Module>(module: M, options: { name?: string }): M;
export function removeWeightNorm(...args: unknown[]): Module {
  const o = REMOVE_WEIGHT_NORM_ARGS.parse(args);
  const { module, name } = o;
  const entry = LEGACY.get(module)?.get(name);
  if (!entry || entry.kind !== 'weightNorm') throw new ValueError(`removeWeightNorm: weightNorm of ${describeArg(name)} not found in ${module.constructor.name}`);
  const fields = module as unknown as Fields;
  const g = fields[`${name}_g`] as Tensor, v = fields[`${name}_v`] as Tensor;
  const w = Parameter(noGrad(() => weightNormOp(v, g, entry.dim, 'removeWeightNorm')));
  entry.handle.remove();
  LEGACY.get(module)!.delete(name);
  const computed = fields[name];
  delete fields[name];
  delete fields[`${name}_g`];
  delete fields[`${name}_v`];
  if (computed instanceof Tensor) computed.dispose();
  g.dispose();
  v.dispose();
  fields[name] = w;
  return module;
}

const LEGACY_SPECTRAL_NORM_ARGS = signature('spectralNorm', ['module', 'name', 'nPowerIterations', 'eps', 'dim'], {
  module: required(moduleCheck), name: optional(A.str, 'weight'), nPowerIterations: optional(A.int(), 1),
  eps: optional(A.num(), 1e-12), dim: optional(A.nullable(A.int()), null),
});

/** The weight as a matrix [weight.shape[dim], rest] (torch's reshape_weight_to_matrix). */
function weightMatrix(weight: Tensor, dim: number): Tensor {
  const w = dim === 0 ? weight : weight.permute([dim, ...Array.from({ length: weight.ndim }, (_, i) => i).filter((i) => i !== dim)]);
  return w.reshape([w._shape[0], -1]);
}

/**
 * Spectral normalization with a forward pre-hook, as torch 1.13's `torch.nn.utils.spectral_norm`:
 * the parameter `name` moves to `name_orig`, buffers `name_u` and `name_v` hold the power
 * iteration's vectors, and before each forward `module[name] = W / σ(W)`, after
 * `nPowerIterations` steps (v first, then u) in training mode only. `dim` defaults to 0 (1 for the
 * transposed convolutions). Until the first forward `module[name]` is W itself. Prefer
 * `parametrizations.spectralNorm`. Returns the module.
 *
 * ```ts
 * const d = fl.nn.utils.spectralNorm(new nn.Linear(20, 40));  // d.weight_orig, d.weight_u [40], d.weight_v [20]
 * ```
 */
export function spectralNorm<M extends Module>(module: M, name?: string, nPowerIterations?: number, eps?: number, dim?: number | null): M;
export function spectralNorm<M extends Module>(module: M, options: { name?: string; nPowerIterations?: number; eps?: number; dim?: number | null }): M;
export function spectralNorm(...args: unknown[]): Module {
  const o = LEGACY_SPECTRAL_NORM_ARGS.parse(args);
  const op = 'spectralNorm';
  const { module, name, eps, nPowerIterations: n } = o;
  const entries = legacyEntries(module);
  if (entries.get(name)?.kind === 'spectralNorm') throw new ValueError(`${op}: cannot register two spectralNorm hooks on the same parameter ${describeArg(name)}`);
  if (n <= 0) throw new ValueError(`${op}: expected nPowerIterations to be positive, but got nPowerIterations=${describeArg(n)}`);
  const weight = ownParameter(module, name, op);
  const nd = weight.ndim;
  const dim0 = o.dim ?? outputDim(module);
  if (dim0 >= nd || dim0 < -nd || nd === 0) throw new IndexError(`${op}: dim ${describeArg(dim0)} is out of range for a weight of shape ${fmt(weight._shape)}`);
  const dim = dim0 < 0 ? dim0 + nd : dim0;
  const [u, v] = noGrad(() => scope(() => {
    const w = weightMatrix(weight, dim);
    const opts = { dtype: weight.dtype, device: weight.device };
    return [normalize(randn([w._shape[0]], opts), 2, 0, eps), normalize(randn([w._shape[1]], opts), 2, 0, eps)];
  }));
  const fields = module as unknown as Fields;
  delete fields[name];
  fields[`${name}_orig`] = weight;
  setComputed(module, name, weight.detach(), false);
  module.registerBuffer(`${name}_u`, u);
  module.registerBuffer(`${name}_v`, v);
  const compute = (m: Module, power: boolean): Tensor => scope(() => {
    const f = m as unknown as Fields;
    const w = f[`${name}_orig`] as Tensor, bu = m._buffers.get(`${name}_u`)!, bv = m._buffers.get(`${name}_v`)!;
    const mat = weightMatrix(w, dim);
    if (power) {
      noGrad(() => scope(() => {
        for (let i = 0; i < n; i++) {
          bv.copy_(normalize(mat.t().mv(bu), 2, 0, eps));
          bu.copy_(normalize(mat.mv(bv), 2, 0, eps));
        }
      }));
    }
    // as torch's: after a power iteration u and v are cloned under no_grad (no gradient reaches them); in eval they are used as they are
    const [u, v] = power ? noGrad(() => [bu.clone(), bv.clone()]) : [bu, bv];
    const sigma = u.dot(mat.mv(v));
    return w.div(sigma);
  });
  const handle = module.registerForwardPreHook((m) => { setComputed(m, name, compute(m, m.training), true); });
  entries.set(name, { kind: 'spectralNorm', handle, dim });
  LEGACY_SN.set(handle, (m: Module) => compute(m, false));
  return module;
}
const LEGACY_SN = new WeakMap<RemovableHandle, (m: Module) => Tensor>();

const REMOVE_SPECTRAL_NORM_ARGS = signature('removeSpectralNorm', ['module', 'name'], { module: required(moduleCheck), name: optional(A.str, 'weight') });

/**
 * Removes the legacy spectral normalization of `name`, as torch's `remove_spectral_norm`:
 * `module[name]` becomes a new parameter holding W / σ (no further power iteration), and
 * name_orig, name_u and name_v are freed. Returns the module.
 *
 * ```ts
 * fl.nn.utils.removeSpectralNorm(d);
 * ```
 */
export function removeSpectralNorm<M extends Module>(module: M, name?: string): M;
export function removeSpectralNorm<M extends Module>(module: M, options: { name?: string }): M;
export function removeSpectralNorm(...args: unknown[]): Module {
  const o = REMOVE_SPECTRAL_NORM_ARGS.parse(args);
  const { module, name } = o;
  const entry = LEGACY.get(module)?.get(name);
  if (!entry || entry.kind !== 'spectralNorm') throw new ValueError(`removeSpectralNorm: spectralNorm of ${describeArg(name)} not found in ${module.constructor.name}`);
  const w = Parameter(noGrad(() => LEGACY_SN.get(entry.handle)!(module)));
  entry.handle.remove();
  LEGACY.get(module)!.delete(name);
  const fields = module as unknown as Fields;
  const drop = [fields[name], fields[`${name}_orig`], module._buffers.get(`${name}_u`), module._buffers.get(`${name}_v`)];
  delete fields[name];
  delete fields[`${name}_orig`];
  for (const b of [`${name}_u`, `${name}_v`]) { module._buffers.delete(b); module._nonPersistent.delete(b); delete fields[b]; }
  for (const t of drop) if (t instanceof Tensor) t.dispose();
  fields[name] = w;
  return module;
}

// ---- parametersToVector / vectorToParameters ---------------------------------------------------------

function tensorList(v: unknown, op: string, what: string): Tensor[] {
  const list: unknown[] = v instanceof Tensor ? [v]
    : v !== null && typeof v === 'object' && typeof (v as Iterable<unknown>)[Symbol.iterator] === 'function' ? Array.from(v as Iterable<unknown>) : [v];
  list.forEach((p, i) => { if (!(p instanceof Tensor)) throw new ValueError(`${op}: ${what} ${i} is not a Tensor, got ${describeArg(p)}`); });
  const ts = list as Tensor[];
  ts.forEach((p) => { if (p.device !== ts[0].device) throw new DeviceError(`${op}: found two parameters on different devices (${ts[0].device} and ${p.device}), this is not supported`); });
  return ts;
}

/**
 * The parameters flattened and concatenated into one vector, as torch's `parameters_to_vector`
 * (differentiable: the vector's gradient flows back to the parameters). All on one device. A
 * non-contiguous parameter is flattened too (torch's `view(-1)` refuses one).
 *
 * ```ts
 * const flat = fl.nn.utils.parametersToVector(model.parameters());
 * ```
 */
export function parametersToVector(parameters: Tensor | Iterable<Tensor>): Tensor {
  if (arguments.length > 1) A.tooManyArgs('parametersToVector', 'parameters', arguments);
  const op = 'parametersToVector';
  const ps = tensorList(parameters, op, 'parameter');
  if (ps.length === 0) throw new ValueError(`${op}: expected a non-empty list of parameters`);
  return scope(() => cat(ps.map((p) => p.reshape([-1])), 0));
}

/**
 * Copies consecutive slices of the 1-D `vec` into the parameters, in order, as torch's
 * `vector_to_parameters` (without gradient; values past the parameters' total size are ignored, as
 * torch). flintml copies into each parameter (keeping its dtype and its identity), where torch
 * makes it a view of `vec`.
 *
 * ```ts
 * fl.nn.utils.vectorToParameters(flat, model.parameters());
 * ```
 */
export function vectorToParameters(vec: Tensor, parameters: Tensor | Iterable<Tensor>): void {
  if (arguments.length > 2) A.tooManyArgs('vectorToParameters', 'vec, parameters', arguments);
  const op = 'vectorToParameters';
  if (!(vec instanceof Tensor)) throw new ValueError(`${op}: expected a Tensor, got ${describeArg(vec)}`);
  const ps = tensorList(parameters, op, 'parameter');
  if (vec.ndim !== 1) throw new ShapeError(`${op}: expected a 1-D vector, got shape ${fmt(vec._shape)}`);
  const total = ps.reduce((s, p) => s + p.numel, 0);
  if (total > vec.numel) throw new ShapeError(`${op}: the vector of shape ${fmt(vec._shape)} is shorter than the parameters' ${total} elements`);
  if (ps.length && vec.device !== ps[0].device) throw new DeviceError(`${op}: the vector is on ${vec.device} and the parameters on ${ps[0].device}`);
  noGrad(() => scope(() => {
    let at = 0;
    for (const p of ps) {
      const n = p.numel;
      p.copy_(vec.narrow(0, at, n).reshape(p._shape));
      at += n;
    }
  }));
}

// ---- fusion -----------------------------------------------------------------------------------------
interface Weighted extends Module { weight: Tensor; bias: Tensor | null }
interface BatchNormLike extends Module { runningMean: Tensor | null; runningVar: Tensor | null; eps: number; weight: Tensor | null; bias: Tensor | null }

function needWeighted(m: unknown, op: string, what: string): Weighted {
  const w = isModule(m, `${op}: ${what}`) as Weighted;
  if (!(w.weight instanceof Tensor)) throw new ValueError(`${op}: ${what} must have a weight tensor, got ${w.constructor.name}`);
  return w;
}
function needBatchNorm(m: unknown, op: string): BatchNormLike {
  const bn = isModule(m, `${op}: bn`) as BatchNormLike;
  if (!(bn.runningMean instanceof Tensor) || !(bn.runningVar instanceof Tensor) || typeof bn.eps !== 'number') {
    throw new ValueError(`${op}: bn must be a batch norm with running statistics (trackRunningStats), got ${bn.constructor.name}`);
  }
  return bn;
}
function optTensor(v: unknown, op: string, what: string): Tensor | null {
  if (v === null || v === undefined) return null;
  if (!(v instanceof Tensor)) throw new ValueError(`${op}: ${what} must be a Tensor or null, got ${describeArg(v)}`);
  return v;
}

/**
 * The weight and bias of a convolution followed by an eval-mode batch norm, folded into one, as
 * torch's `fusion.fuse_conv_bn_weights`: w · (γ / √(var + eps)) per output channel (dim 0, or 1
 * with `transpose`) and (b − mean) · γ / √(var + eps) + β. New parameters; a null conv bias, γ or β
 * counts as 0, 1, 0.
 *
 * ```ts
 * const [w, b] = fl.nn.utils.fusion.fuseConvBnWeights(conv.weight, conv.bias, bn.runningMean!, bn.runningVar!, bn.eps, bn.weight, bn.bias);
 * ```
 */
export function fuseConvBnWeights(convW: Tensor, convB: Tensor | null, bnRm: Tensor, bnRv: Tensor, bnEps: number, bnW: Tensor | null, bnB: Tensor | null, transpose = false): [Tensor, Tensor] {
  if (arguments.length > 8) A.tooManyArgs('fuseConvBnWeights', 'convW, convB, bnRm, bnRv, bnEps, bnW, bnB, transpose', arguments);
  const op = 'fuseConvBnWeights';
  for (const [v, what] of [[convW, 'convW'], [bnRm, 'bnRm'], [bnRv, 'bnRv']] as const) if (!(v instanceof Tensor)) throw new ValueError(`${op}: ${what} must be a Tensor, got ${describeArg(v)}`);
  if (typeof bnEps !== 'number') throw new ValueError(`${op}: bnEps must be a number, got ${describeArg(bnEps)}`);
  if (typeof transpose !== 'boolean') throw new ValueError(`${op}: transpose must be a boolean, got ${describeArg(transpose)}`);
  const cb = optTensor(convB, op, 'convB'), bw = optTensor(bnW, op, 'bnW'), bb = optTensor(bnB, op, 'bnB');
  if (convW.ndim < 2) throw new ShapeError(`${op}: convW must have at least 2 dims, got shape ${fmt(convW._shape)}`);
  const [w, b] = noGrad(() => scope(() => {
    const rs = bnRv.add(bnEps).rsqrt();
    const gamma = bw ?? onesLike(bnRm), beta = bb ?? zerosLike(bnRm), bias = cb ?? zerosLike(bnRm);
    const shape = [...(transpose ? [1, -1] : [-1, 1]), ...new Array<number>(convW.ndim - 2).fill(1)];
    return [convW.mul(gamma.mul(rs).reshape(shape)), bias.sub(bnRm).mul(rs).mul(gamma).add(beta)];
  }));
  return [Parameter(w), Parameter(b)];
}

/**
 * The weight and bias of a Linear followed by an eval-mode BatchNorm1d, folded into one, as torch's
 * `fusion.fuse_linear_bn_weights`: w · s[:, None] and (b − mean) · s + β, s = γ / √(var + eps).
 *
 * ```ts
 * const [w, b] = fl.nn.utils.fusion.fuseLinearBnWeights(lin.weight, lin.bias, bn.runningMean!, bn.runningVar!, bn.eps, bn.weight!, bn.bias!);
 * ```
 */
export function fuseLinearBnWeights(linearW: Tensor, linearB: Tensor | null, bnRm: Tensor, bnRv: Tensor, bnEps: number, bnW: Tensor, bnB: Tensor): [Tensor, Tensor] {
  if (arguments.length > 7) A.tooManyArgs('fuseLinearBnWeights', 'linearW, linearB, bnRm, bnRv, bnEps, bnW, bnB', arguments);
  const op = 'fuseLinearBnWeights';
  for (const [v, what] of [[linearW, 'linearW'], [bnRm, 'bnRm'], [bnRv, 'bnRv'], [bnW, 'bnW'], [bnB, 'bnB']] as const) if (!(v instanceof Tensor)) throw new ValueError(`${op}: ${what} must be a Tensor, got ${describeArg(v)}`);
  if (typeof bnEps !== 'number') throw new ValueError(`${op}: bnEps must be a number, got ${describeArg(bnEps)}`);
  const lb = optTensor(linearB, op, 'linearB');
  const [w, b] = noGrad(() => scope(() => {
    const s = bnW.mul(bnRv.add(bnEps).rsqrt());
    return [linearW.mul(s.unsqueeze(-1)), (lb ?? zerosLike(bnRm)).sub(bnRm).mul(s).add(bnB)];
  }));
  return [Parameter(w), Parameter(b)];
}

/** A copy of m with its weight and bias replaced by w and b. */
function withWeights<M extends Weighted>(m: M, w: Tensor, b: Tensor): M {
  const fused = deepCopyModule(m);
  fused.weight.dispose();
  fused.bias?.dispose();
  fused.weight = w;
  fused.bias = b;
  return fused;
}

const FUSE_CONV_ARGS = signature('fuseConvBnEval', ['conv', 'bn', 'transpose'], {
  conv: required(A.anyValue<unknown>()), bn: required(A.anyValue<unknown>()), transpose: optional(A.bool, false),
});

/**
 * A copy of an eval-mode convolution with the eval-mode batch norm that follows it folded in, as
 * torch's `fusion.fuse_conv_bn_eval` (`transpose` for a transposed convolution, whose weight is
 * [in, out, …]): `fused.forward(x)` equals `bn.forward(conv.forward(x))`.
 *
 * ```ts
 * const fused = fl.nn.utils.fusion.fuseConvBnEval(conv.eval(), bn.eval());
 * ```
 */
export function fuseConvBnEval<M extends Module>(conv: M, bn: Module, transpose?: boolean): M;
export function fuseConvBnEval<M extends Module>(conv: M, bn: Module, options: { transpose?: boolean }): M;
export function fuseConvBnEval(...args: unknown[]): Module {
  const o = FUSE_CONV_ARGS.parse(args);
  const op = 'fuseConvBnEval';
  const conv = needWeighted(o.conv, op, 'conv'), bn = needBatchNorm(o.bn, op);
  if (conv.training || bn.training) throw new ValueError(`${op}: fusion only for eval (call conv.eval() and bn.eval() first)`);
  const [w, b] = fuseConvBnWeights(conv.weight, conv.bias, bn.runningMean!, bn.runningVar!, bn.eps, bn.weight, bn.bias, o.transpose);
  return withWeights(conv, w, b);
}

/**
 * A copy of an eval-mode Linear with the eval-mode BatchNorm1d that follows it folded in, as
 * torch's `fusion.fuse_linear_bn_eval`.
 *
 * ```ts
 * const fused = fl.nn.utils.fusion.fuseLinearBnEval(lin.eval(), bn.eval());
 * ```
 */
export function fuseLinearBnEval<M extends Module>(linear: M, bn: Module): M {
  if (arguments.length > 2) A.tooManyArgs('fuseLinearBnEval', 'linear, bn', arguments);
  const op = 'fuseLinearBnEval';
  const lin = needWeighted(linear, op, 'linear'), b = needBatchNorm(bn, op);
  if (lin.training || b.training) throw new ValueError(`${op}: fusion only for eval (call linear.eval() and bn.eval() first)`);
  if (!(b.weight instanceof Tensor) || !(b.bias instanceof Tensor)) throw new ValueError(`${op}: bn must be affine (torch's fuse_linear_bn_weights needs its weight and bias)`);
  const [w, bias] = fuseLinearBnWeights(lin.weight, lin.bias, b.runningMean!, b.runningVar!, b.eps, b.weight, b.bias);
  return withWeights(lin, w, bias) as unknown as M;
}

/** torch.nn.utils.fusion: `fl.nn.utils.fusion.fuseConvBnEval(conv.eval(), bn.eval())`. */
export const fusion = Object.freeze({ fuseConvBnEval, fuseLinearBnEval, fuseConvBnWeights, fuseLinearBnWeights });

// ---- functionalCall -----------------------------------------------------------------------------------

/**
 * Runs `module`'s forward on `args` with the given tensors in place of its parameters and buffers
 * (by their stateDict names), as torch's `stateless.functional_call` / `torch.func.functional_call`:
 * gradients flow to the given tensors, and the module's own tensors are back in place when it
 * returns or throws. `args` is the forward's argument list (a single non-array value is one
 * argument); `kwargs`, when given, is passed as a last argument (flintml's forwards take their
 * options last). `parametersAndBuffers` is an object or Map of name → Tensor (or an array of them,
 * as torch.func's tuple of dicts). A name of a parametrized tensor (`weight`) replaces the computed
 * tensor, disabling the parametrization; `parametrizations.weight.original` feeds it.
 *
 * ```ts
 * const y = fl.func.functionalCall(model, { 'fc.weight': w }, [x]);
 * ```
 */
export function functionalCall(module: Module, parametersAndBuffers: Record<string, Tensor> | Map<string, Tensor> | readonly (Record<string, Tensor> | Map<string, Tensor>)[], args: unknown, kwargs?: Record<string, unknown> | null): unknown {
  if (arguments.length > 4) A.tooManyArgs('functionalCall', 'module, parametersAndBuffers, args, kwargs', arguments);
  const op = 'functionalCall';
  isModule(module, `${op}: module`);
  const dicts = Array.isArray(parametersAndBuffers) ? parametersAndBuffers : [parametersAndBuffers];
  const pairs: [string, Tensor][] = [];
  const seen = new Set<string>();
  for (const d of dicts as unknown[]) {
    if (d === null || typeof d !== 'object' || Array.isArray(d)) throw new ValueError(`${op}: parametersAndBuffers must be an object or Map of name → Tensor, got ${describeArg(d)}`);
    const entries = d instanceof Map ? [...(d as Map<unknown, unknown>)] : Object.entries(d);
    for (const [k, t] of entries) {
      if (typeof k !== 'string' || k === '') throw new ValueError(`${op}: names must be non-empty strings, got ${describeArg(k)}`);
      if (!(t instanceof Tensor)) throw new ValueError(`${op}: ${describeArg(k)} must be a Tensor, got ${describeArg(t)}`);
      if (seen.has(k)) throw new ValueError(`${op}: ${describeArg(k)} appears in more than one dict`);
      seen.add(k);
      pairs.push([k, t]);
    }
  }
  if (kwargs !== undefined && kwargs !== null && (typeof kwargs !== 'object' || Array.isArray(kwargs))) throw new ValueError(`${op}: kwargs must be an object or null, got ${describeArg(kwargs)}`);
  const callArgs = Array.isArray(args) ? [...(args as unknown[])] : [args];
  if (kwargs !== undefined && kwargs !== null) callArgs.push(kwargs);
  // the owner of each name: the module at its longest dotted prefix
  const modules = new Map(module.namedModules());
  const swaps: { owner: Module; attr: string; buffer: boolean; old: PropertyDescriptor | Tensor | null | undefined }[] = [];
  const restore = (): void => {
    for (const s of swaps.reverse()) {
      if (s.buffer) { s.owner._buffers.set(s.attr, s.old as Tensor | null); continue; }
      if (s.old) Object.defineProperty(s.owner, s.attr, s.old as PropertyDescriptor); else delete (s.owner as unknown as Fields)[s.attr];
    }
  };
  try {
    for (const [name, t] of pairs) {
      const cut = name.lastIndexOf('.');
      const prefix = cut < 0 ? '' : name.slice(0, cut), attr = name.slice(cut + 1);
      const owner = modules.get(prefix);
      if (!owner) throw new ValueError(`${op}: ${describeArg(name)}: ${module.constructor.name} has no submodule ${describeArg(prefix)}`);
      if (owner._buffers.has(attr)) {
        swaps.push({ owner, attr, buffer: true, old: owner._buffers.get(attr) });
        owner._buffers.set(attr, t);
      } else {
        swaps.push({ owner, attr, buffer: false, old: Object.getOwnPropertyDescriptor(owner, attr) });
        Object.defineProperty(owner, attr, { value: t, writable: true, enumerable: false, configurable: true });
      }
    }
    return module.call(...callArgs);
  } finally {
    restore();
  }
}

/** torch.nn.utils.stateless: `fl.nn.utils.stateless.functionalCall(model, { 'fc.weight': w }, [x])`. */
export const stateless = Object.freeze({ functionalCall });
/** torch.func (the part flintml has): `fl.func.functionalCall(model, params, [x])`. */
export const func = Object.freeze({ functionalCall });
