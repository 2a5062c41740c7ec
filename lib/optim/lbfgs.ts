// lbfgs.ts — L-BFGS (after minFunc), as torch.optim.LBFGS 1.13: one `step(closure)` runs up to
// maxIter iterations of limited-memory BFGS on all parameters flattened into one vector, with a
// fixed step (lr; the first iteration's scaled by 1/|g|_1) or a strong-Wolfe line search
// (PyTorch's _strong_wolfe and _cubic_interpolate, ported line for line).
//
// Scalars that PyTorch keeps in 0-dim tensors of the parameters' dtype (ys, ro, H_diag, t, gtd)
// are JavaScript numbers (doubles) here: float64 parameters follow PyTorch's iterates exactly,
// float32 ones to float32 rounding. Each iteration reads a few dot products back to the host (as
// PyTorch's float comparisons do). State lives under the first parameter, in PyTorch's keys in
// camelCase: funcEvals, nIter, d, t, oldDirs, oldStps, ro, hDiag, prevFlatGrad, prevLoss, al.
import { Tensor, keep, scope } from '../tensor';
import { enableGrad, noGrad } from '../autograd';
import { cat } from '../ops/views';
import { zeros } from '../ops/creation';
import { ValueError } from '../errors';
import { describeArg } from '../arity';
import * as A from '../args';
import { ArgsThenOptions, optional, required, signature } from '../args';
import { checkNumber, Optimizer, OptimizerStateDict, optimizerArgs, ParamGroup, Params } from './optimizer';
import '../ops/elementwise';
import '../ops/reduce';

/** Options of `LBFGS`. */
export interface LBFGSOptions {
  /** learning rate (default 1) */ lr?: number;
  /** iterations per `step` (default 20) */ maxIter?: number;
  /** function evaluations per `step` (default floor(maxIter * 5 / 4)) */ maxEval?: number | null;
  /** stop when max |g| <= this (default 1e-7) */ toleranceGrad?: number;
  /** stop when the step or the loss changes less than this (default 1e-9) */ toleranceChange?: number;
  /** number of curvature pairs kept (default 100) */ historySize?: number;
  /** null (a fixed step) or 'strong_wolfe' (default null) */ lineSearchFn?: 'strong_wolfe' | null;
}

// PyTorch 1.13: LBFGS(params, lr=1, max_iter=20, max_eval=None, tolerance_grad=1e-7, tolerance_change=1e-9,
// history_size=100, line_search_fn=None).
const LBFGS_ARGS = signature('LBFGS', ['params', 'lr', 'maxIter', 'maxEval', 'toleranceGrad', 'toleranceChange', 'historySize', 'lineSearchFn'], {
  params: required(A.anyValue<Params>()),
  lr: optional(A.num(), 1), maxIter: optional(A.int({ min: 1 }), 20), maxEval: optional(A.nullable(A.int({ min: 1 })), null),
  toleranceGrad: optional(A.num(), 1e-7), toleranceChange: optional(A.num(), 1e-9), historySize: optional(A.int({ min: 1 }), 100),
  lineSearchFn: optional(A.nullable(A.oneOf('strong_wolfe')), null),
});

type LBFGSHyper = Required<LBFGSOptions>;
/** The closure: re-evaluates the model, calls backward, returns the loss (a Tensor or a number). */
export type LBFGSClosure = () => Tensor | number;

function num(x: Tensor | number): number { return typeof x === 'number' ? x : x.item(); }
function dot(a: Tensor, b: Tensor): number { return scope(() => a.mul(b).sum().item()); }
function absMax(a: Tensor): number { return a.numel === 0 ? 0 : scope(() => a.abs().max().item()); }

/** PyTorch's _cubic_interpolate: the minimizer of the cubic through two points and slopes, within bounds. */
function cubicInterpolate(x1: number, f1: number, g1: number, x2: number, f2: number, g2: number, bounds?: [number, number]): number {
  const [lo, hi] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2);
  const d2sq = d1 ** 2 - g1 * g2;
  if (d2sq >= 0) {
    const d2 = Math.sqrt(d2sq);
    const minPos = x1 <= x2 ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2)) : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
    return Math.min(Math.max(minPos, lo), hi);
  }
  return (lo + hi) / 2;
}

/**
 * L-BFGS, as `torch.optim.LBFGS`: one parameter group; `step(closure)` needs a closure that clears
 * the gradients, computes the loss, calls `backward()` and returns the loss.
 *
 * ```ts
 * const opt = new fl.optim.LBFGS([x], { lineSearchFn: 'strong_wolfe' });
 * opt.step(() => { opt.zeroGrad(); const l = f(x); l.backward(); return l; });
 * ```
 */
export class LBFGS extends Optimizer<LBFGSHyper> {
  constructor(params: Params, options?: LBFGSOptions);
  constructor(params: Params, ...args: ArgsThenOptions<[lr: number, maxIter: number, maxEval: number | null, toleranceGrad: number, toleranceChange: number, historySize: number, lineSearchFn: 'strong_wolfe' | null], LBFGSOptions>);
  constructor(...args: unknown[]) {
    const [params, defaults, name] = optimizerArgs<LBFGSHyper>(LBFGS_ARGS, args);
    if (defaults.maxEval === null) defaults.maxEval = Math.floor(defaults.maxIter * 5 / 4);
    super(params, defaults, name);
    if (this.paramGroups.length !== 1) throw new ValueError("LBFGS: doesn't support per-parameter options (parameter groups)");
  }

  protected validateGroup(g: ParamGroup & LBFGSHyper): void {
    checkNumber('LBFGS', 'learning rate', g.lr);
    checkNumber('LBFGS', 'tolerance_grad value', g.toleranceGrad, -Infinity);
    checkNumber('LBFGS', 'tolerance_change value', g.toleranceChange, -Infinity);
    for (const k of ['maxIter', 'maxEval', 'historySize'] as const) {
      const v = g[k];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new ValueError(`LBFGS: ${k} must be a positive integer, got ${describeArg(v)}`);
    }
    if (g.lineSearchFn !== null && g.lineSearchFn !== 'strong_wolfe') throw new ValueError(`LBFGS: only 'strong_wolfe' is supported as lineSearchFn, got ${describeArg(g.lineSearchFn)}`);
  }

  protected update(): void { throw new ValueError('LBFGS: step() needs a closure that computes the loss and its gradient'); }

  private get params(): Tensor[] { return this.paramGroups[0].params; }

  /** All gradients flattened into one vector (zeros where a parameter has none). */
  private gatherFlatGrad(): Tensor {
    return scope(() => {
      const views = this.params.map((p) => (p.grad ? p.grad.reshape(-1) : zeros([p.numel], { dtype: p.dtype, device: p.device })));
      return views.length === 1 ? views[0].clone() : cat(views, 0);
    });
  }

  private addGrad(stepSize: number, update: Tensor): void {
    let offset = 0;
    scope(() => {
      for (const p of this.params) {
        const n = p.numel;
        p.add_(update.narrow(0, offset, n).reshape(p._shape), stepSize);
        offset += n;
      }
    });
  }

  private directionalEvaluate(closure: LBFGSClosure, x: Tensor[], t: number, d: Tensor): [number, Tensor] {
    this.addGrad(t, d);
    const loss = num(enableGrad(closure));
    const flat = this.gatherFlatGrad();
    this.params.forEach((p, i) => p.copy_(x[i]));
    return [loss, flat];
  }

  /** PyTorch's _strong_wolfe: returns [f, g, t, evaluations]; every tensor it returns is new. */
  private strongWolfe(closure: LBFGSClosure, x: Tensor[], t0: number, d: Tensor, f: number, g0: Tensor, gtd: number,
    c1 = 1e-4, c2 = 0.9, toleranceChange = 1e-9, maxLs = 25): [number, Tensor, number, number] {
    let t = t0;
    const dNorm = absMax(d);
    const owned = new Set<Tensor>();
    const own = (v: Tensor): Tensor => { owned.add(v); return v; };
    const g = own(g0.clone());
    let [fNew, gNew] = this.directionalEvaluate(closure, x, t, d);
    own(gNew);
    let lsEvals = 1;
    let gtdNew = dot(gNew, d);
    let tPrev = 0, fPrev = f, gPrev = g, gtdPrev = gtd;
    let done = false;
    let lsIter = 0;
    let bracket: number[] = [], bracketF: number[] = [], bracketG: Tensor[] = [], bracketGtd: number[] = [];
    while (lsIter < maxLs) {
      if (fNew > f + c1 * t * gtd || (lsIter > 1 && fNew >= fPrev)) {
        bracket = [tPrev, t]; bracketF = [fPrev, fNew]; bracketG = [gPrev, own(gNew.clone())]; bracketGtd = [gtdPrev, gtdNew];
        break;
      }
      if (Math.abs(gtdNew) <= -c2 * gtd) {
        bracket = [t]; bracketF = [fNew]; bracketG = [gNew]; done = true;
        break;
      }
      if (gtdNew >= 0) {
        bracket = [tPrev, t]; bracketF = [fPrev, fNew]; bracketG = [gPrev, own(gNew.clone())]; bracketGtd = [gtdPrev, gtdNew];
        break;
      }
      const minStep = t + 0.01 * (t - tPrev);
      const maxStep = t * 10;
      const tmp = t;
      t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [minStep, maxStep]);
      tPrev = tmp; fPrev = fNew; gPrev = own(gNew.clone()); gtdPrev = gtdNew;
      [fNew, gNew] = this.directionalEvaluate(closure, x, t, d);
      own(gNew);
      lsEvals++;
      gtdNew = dot(gNew, d);
      lsIter++;
    }
    if (lsIter === maxLs) { bracket = [0, t]; bracketF = [f, fNew]; bracketG = [g, gNew]; }
    let insufProgress = false;
    let [lowPos, highPos] = bracketF[0] <= bracketF[bracketF.length - 1] ? [0, 1] : [1, 0];
    while (!done && lsIter < maxLs) {
      if (Math.abs(bracket[1] - bracket[0]) * dNorm < toleranceChange) break;
      t = cubicInterpolate(bracket[0], bracketF[0], bracketGtd[0], bracket[1], bracketF[1], bracketGtd[1]);
      const bMax = Math.max(...bracket), bMin = Math.min(...bracket);
      const eps = 0.1 * (bMax - bMin);
      if (Math.min(bMax - t, t - bMin) < eps) {
        if (insufProgress || t >= bMax || t <= bMin) {
          t = Math.abs(t - bMax) < Math.abs(t - bMin) ? bMax - eps : bMin + eps;
          insufProgress = false;
        } else {
          insufProgress = true;
        }
      } else {
        insufProgress = false;
      }
      [fNew, gNew] = this.directionalEvaluate(closure, x, t, d);
      own(gNew);
      lsEvals++;
      gtdNew = dot(gNew, d);
      lsIter++;
      if (fNew > f + c1 * t * gtd || fNew >= bracketF[lowPos]) {
        bracket[highPos] = t; bracketF[highPos] = fNew; bracketG[highPos] = own(gNew.clone()); bracketGtd[highPos] = gtdNew;
        [lowPos, highPos] = bracketF[0] <= bracketF[1] ? [0, 1] : [1, 0];
      } else {
        if (Math.abs(gtdNew) <= -c2 * gtd) done = true;
        else if (gtdNew * (bracket[highPos] - bracket[lowPos]) >= 0) {
          bracket[highPos] = bracket[lowPos]; bracketF[highPos] = bracketF[lowPos]; bracketG[highPos] = bracketG[lowPos]; bracketGtd[highPos] = bracketGtd[lowPos];
        }
        bracket[lowPos] = t; bracketF[lowPos] = fNew; bracketG[lowPos] = own(gNew.clone()); bracketGtd[lowPos] = gtdNew;
      }
    }
    const gOut = bracketG[lowPos].clone();
    for (const v of owned) v.dispose();
    return [bracketF[lowPos], gOut, bracket[lowPos], lsEvals];
  }

  /**
   * Runs up to `maxIter` L-BFGS iterations. `closure` must clear the gradients, compute the loss,
   * call `backward()` and return the loss; the first evaluation's loss is returned.
   */
  override step<T = undefined>(closure?: () => T): T | undefined {
    if (typeof closure !== 'function') throw new ValueError(`LBFGS.step: needs a closure that computes the loss and its gradient, got ${describeArg(closure)}`);
    const fn = closure as unknown as LBFGSClosure;
    this._stepCount++;
    const group = this.paramGroups[0];
    const { lr, maxIter, maxEval, toleranceGrad, toleranceChange, lineSearchFn, historySize } = group;
    const p0 = this.params[0];
    let state = this.state.get(p0);
    if (!state) { state = {}; this.state.set(p0, state); }
    const st = state as Record<string, unknown>;
    st.funcEvals ??= 0;
    st.nIter ??= 0;
    const origLoss = enableGrad(closure);
    let loss = num(origLoss as unknown as Tensor | number);
    let currentEvals = 1;
    st.funcEvals = (st.funcEvals as number) + 1;
    return noGrad(() => {
      let flatGrad = this.gatherFlatGrad();
      let optCond = absMax(flatGrad) <= toleranceGrad;
      if (optCond) { flatGrad.dispose(); return origLoss; }
      let d = st.d as Tensor | undefined;
      let t = st.t as number | undefined;
      let oldDirs = st.oldDirs as Tensor[] | undefined;
      let oldStps = st.oldStps as Tensor[] | undefined;
      let ro = st.ro as number[] | undefined;
      let hDiag = st.hDiag as number | undefined;
      let prevFlatGrad = st.prevFlatGrad as Tensor | undefined;
      let prevLoss = st.prevLoss as number | undefined;
      let nIter = 0;
      while (nIter < maxIter) {
        nIter++;
        st.nIter = (st.nIter as number) + 1;
        if (st.nIter === 1) {
          d?.dispose();
          d = flatGrad.neg();
          for (const v of [...(oldDirs ?? []), ...(oldStps ?? [])]) v.dispose();
          oldDirs = []; oldStps = []; ro = []; hDiag = 1;
        } else {
          const y = flatGrad.sub(prevFlatGrad!);
          const s = d!.mul(t!);
          const ys = dot(y, s);
          let used = false;
          if (ys > 1e-10) {
            if (oldDirs!.length === historySize) { oldDirs!.shift()!.dispose(); oldStps!.shift()!.dispose(); ro!.shift(); }
            oldDirs!.push(y); oldStps!.push(s); ro!.push(1 / ys);
            hDiag = ys / dot(y, y);
            used = true;
          }
          if (!used) { y.dispose(); s.dispose(); }
          const numOld = oldDirs!.length;
          if (!st.al) st.al = new Array(historySize).fill(null);
          const al = st.al as (number | null)[];
          const q = flatGrad.neg();
          for (let i = numOld - 1; i >= 0; i--) {
            al[i] = dot(oldStps![i], q) * ro![i];
            q.add_(oldDirs![i], -(al[i] as number));
          }
          const r = q.mul(hDiag!);
          q.dispose();
          for (let i = 0; i < numOld; i++) {
            const be = dot(oldDirs![i], r) * ro![i];
            r.add_(oldStps![i], (al[i] as number) - be);
          }
          d!.dispose();
          d = r;
        }
        if (!prevFlatGrad) prevFlatGrad = flatGrad.clone();
        else prevFlatGrad.copy_(flatGrad);
        prevLoss = loss;
        if (st.nIter === 1) {
          const l1 = scope(() => flatGrad.abs().sum().item());
          t = Math.min(1, 1 / l1) * lr;
        } else {
          t = lr;
        }
        const gtd = dot(flatGrad, d!);
        if (gtd > -toleranceChange) break;
        let lsEvals = 0;
        if (lineSearchFn !== null) {
          const xInit = this.params.map((p) => p.clone());
          let g2: Tensor;
          [loss, g2, t, lsEvals] = this.strongWolfe(fn, xInit, t, d!, loss, flatGrad, gtd);
          for (const v of xInit) v.dispose();
          flatGrad.dispose();
          flatGrad = g2;
          this.addGrad(t, d!);
          optCond = absMax(flatGrad) <= toleranceGrad;
        } else {
          this.addGrad(t, d!);
          if (nIter !== maxIter) {
            loss = num(enableGrad(fn));
            flatGrad.dispose();
            flatGrad = this.gatherFlatGrad();
            optCond = absMax(flatGrad) <= toleranceGrad;
            lsEvals = 1;
          }
        }
        currentEvals += lsEvals;
        st.funcEvals = (st.funcEvals as number) + lsEvals;
        if (nIter === maxIter) break;
        if (currentEvals >= (maxEval as number)) break;
        if (optCond) break;
        if (scope(() => absMax(d!.mul(t!))) <= toleranceChange) break;
        if (Math.abs(loss - prevLoss) < toleranceChange) break;
      }
      flatGrad.dispose();
      Object.assign(st, { d, t, oldDirs, oldStps, ro, hDiag, prevFlatGrad, prevLoss });
      for (const v of [d, prevFlatGrad, ...(oldDirs ?? []), ...(oldStps ?? [])]) if (v) keep(v);
      return origLoss;
    });
  }

  /** The state as `stateDict()` gives it for other optimizers; lists of tensors are copied too. */
  override stateDict(): OptimizerStateDict {
    const sd = super.stateDict();
    const s = this.state.get(this.params[0]) as Record<string, unknown> | undefined;
    if (s) {
      for (const v of Object.values(sd.state[0] ?? {})) if (v instanceof Tensor) v.dispose();   // the base's copies
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(s)) {
        out[k] = v instanceof Tensor ? noGrad(() => v.clone()) : Array.isArray(v) ? v.map((e) => (e instanceof Tensor ? noGrad(() => e.clone()) : e)) : v;
      }
      sd.state = { 0: out as never };
    }
    return sd;
  }

  /** @internal Loads LBFGS's state (flat vectors and lists, which the shape check of other optimizers would refuse). */
  override _prepareLoad(sd: OptimizerStateDict): { commit(): void; abort(): void } {
    const st = sd && typeof sd === 'object' && sd.state && typeof sd.state === 'object' ? (sd.state as Record<number, Record<string, unknown>>)[0] : undefined;
    const rest: OptimizerStateDict = sd && typeof sd === 'object' ? { ...sd, state: {} } : sd;
    const base = super._prepareLoad(rest);
    const p0 = this.params[0];
    const copy = (v: Tensor): Tensor => {
      if (v._shape.length !== 1 || v._shape[0] !== this.numel()) {
        throw new ValueError(`LBFGS.loadStateDict: a flat state vector has shape [${v._shape.join(', ')}], the parameters have ${this.numel()} elements`);
      }
      return keep(noGrad(() => v.to({ dtype: p0.dtype, device: p0.device, copy: true })));
    };
    const made: Tensor[] = [];
    let fresh: Record<string, unknown> | undefined;
    try {
      if (st) {
        fresh = {};
        for (const [k, v] of Object.entries(st)) {
          if (v instanceof Tensor) { const c = copy(v); made.push(c); fresh[k] = c; } else if (Array.isArray(v)) {
            fresh[k] = v.map((e, i) => {
              if (e instanceof Tensor) { const c = copy(e); made.push(c); return c; }
              // oldDirs/oldStps hold tensors, ro and al numbers (or null): anything else is not a state LBFGS wrote
              if (e !== null && typeof e !== 'number') throw new ValueError(`LBFGS.loadStateDict: state '${k}' item ${i} is ${describeArg(e)}, expected a Tensor or a number (a checkpoint format that keeps only top-level state tensors cannot hold LBFGS's history)`);
              return e;
            });
          } else if (['d', 'prevFlatGrad'].includes(k) && v !== undefined && v !== null) {
            throw new ValueError(`LBFGS.loadStateDict: state '${k}' is ${describeArg(v)}, expected a Tensor`);
          } else fresh[k] = v;
        }
      }
    } catch (e) {
      for (const t of made) t.dispose();
      base.abort();
      throw e;
    }
    return {
      commit: () => {
        this.disposeLbfgsState();
        base.commit();
        if (fresh) this.state.set(p0, fresh as never);
      },
      abort: () => { for (const t of made) t.dispose(); base.abort(); },
    };
  }

  private numel(): number { return this.params.reduce((n, p) => n + p.numel, 0); }

  private disposeLbfgsState(): void {
    for (const s of this.state.values()) {
      for (const v of Object.values(s as Record<string, unknown>)) if (Array.isArray(v)) for (const e of v) if (e instanceof Tensor) e.dispose();
    }
  }

  /** Frees the optimizer's state tensors (the direction, the last gradient and the history). */
  override dispose(): void {
    this.disposeLbfgsState();
    super.dispose();
  }
}
