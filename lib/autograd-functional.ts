// autograd-functional.ts — `fl.autograd.functional`, shaped like `torch.autograd.functional` (1.13):
// jacobian, hessian, vjp, jvp, hvp and vhp of a user function, built on `autograd.grad` with
// createGraph (lib/autograd.ts), as torch builds them on `torch.autograd.grad`.
//
// The structure follows torch's file function by function, so that results, their nesting and the
// errors agree: the inputs are copied into fresh tensors (detached leaves, or differentiable views
// when createGraph and the input requires grad), the function runs on them with grad enabled, and
// the gradients are taken with `allowUnused`; a gradient that does not exist is zeros (or an
// AutogradError with `strict`). A single Tensor in gives a single Tensor out, an array (torch's
// tuple) gives an array: jacobian's result for a Tensor input and a Tensor output is one Tensor of
// shape out.shape + in.shape, for arrays it is `J[i][j]` (output i, input j).
//
// jvp and hvp use torch's double-backward trick (the backward of the backward, with respect to a
// zero gradient that requires grad), so they need second derivatives through every op of the
// function: an op whose backward is not differentiable in flintml (the fused LSTM cell, checkpoint)
// is refused there with the AutogradError that names it, as is hessian/vhp through one.
//
// Everything the function makes and every intermediate gradient is freed when the call returns
// (a scope); what is returned is new (detached unless createGraph, when it stays in the graph).
import { AutogradError, enableGrad, grad } from './autograd';
import * as A from './args';
import { anyValue, ArgsThenOptions, bool, oneOf, optional, required, signature } from './args';
import { describeArg } from './arity';
import { isFloating } from './dtype';
import { DTypeError, ShapeError, ValueError } from './errors';
import { zeros, zerosLike } from './ops/creation';
import { stack } from './ops/views';
import { fmt } from './shape';
import { scope, Tensor } from './tensor';

/** A user function of tensors: one argument per input. */
export type TensorFunction<O> = (...inputs: Tensor[]) => O;
type Outputs = Tensor | readonly Tensor[];
type Inputs = Tensor | readonly Tensor[];
/** A Tensor for a Tensor, an array for an array (torch's tuple). */
type Like<T> = T extends Tensor ? Tensor : Tensor[];
/** jacobian's result: a Tensor, an array over inputs or outputs, or `J[output][input]`. */
export type JacobianResult<O, I> = O extends Tensor ? (I extends Tensor ? Tensor : Tensor[]) : (I extends Tensor ? Tensor[] : Tensor[][]);
/** hessian's result: a Tensor for a Tensor input, `H[i][j]` for an array of inputs. */
export type HessianResult<I> = I extends Tensor ? Tensor : Tensor[][];
/** PyTorch's strategies; only 'reverse-mode' is implemented (flintml has no forward-mode AD). */
export type JacobianStrategy = 'reverse-mode' | 'forward-mode';

// ---- torch's helpers (torch/autograd/functional.py), one for one ----------------------------------

/** `_as_tuple`: whether x was an array, and x as an array of live tensors. */
function asTuple(op: string, x: unknown, what: string): [boolean, Tensor[]] {
  const isTuple = Array.isArray(x);
  const list: unknown[] = isTuple ? (x as unknown[]) : [x];
  for (let i = 0; i < list.length; i++) {
    const t = list[i];
    if (!(t instanceof Tensor)) {
      throw new ValueError(`${op}: the ${what} must be a Tensor or an array of Tensors, but ${isTuple ? `the value at index ${i}` : `the given ${what}`} is ${describeArg(t)}`);
    }
    t._handleFor(op);
  }
  return [isTuple, list as Tensor[]];
}

/**
 * `_grad_preprocess`: fresh tensors for the inputs (so that a tensor the function captures is not
 * confused with an input): a differentiable view when createGraph and the input requires grad (the
 * results then reach it), else a detached copy of the reference that requires grad when `needGraph`.
 */
function preprocess(op: string, xs: readonly Tensor[], create: boolean, needGraph: boolean, what: string): Tensor[] {
  return xs.map((x, i) => {
    if (create && x.requiresGrad) return x.reshape(x.shape);  // a new tensor in the graph (torch's view_as)
    if (needGraph && !isFloating(x.dtype)) {
      throw new DTypeError(`${op}: ${what}[${i}] is ${x.dtype} (shape ${fmt(x.shape)}); only floating point tensors can require gradients`);
    }
    const d = x.detach();
    if (needGraph) d.requiresGrad = true;
    return d;
  });
}

/** `_tuple_postprocess`: undoes asTuple (one flag), or both levels of a nested result ([outputs, inputs]). */
function unpack(res: unknown[], isTuple: boolean | [boolean, boolean]): unknown {
  if (Array.isArray(isTuple)) {
    let r: unknown[] = res;
    if (!isTuple[1]) r = r.map((el) => (el as unknown[])[0]);
    return isTuple[0] ? r : r[0];
  }
  return isTuple ? res : res[0];
}

/** `_grad_postprocess`: detaches (nested) results unless createGraph. */
function postprocess<T>(xs: T, create: boolean): T {
  if (create) return xs;
  if (xs instanceof Tensor) return xs.detach() as T;
  return (xs as unknown[]).map((x) => postprocess(x, create)) as T;
}

/** `_validate_v`: v has one tensor per entry of `other`, each of its shape. */
function validateV(op: string, v: readonly Tensor[], other: readonly Tensor[], isOtherTuple: boolean): void {
  if (v.length !== other.length) {
    throw new ValueError(isOtherTuple ? `${op}: v is an array of invalid length: should be ${other.length} but got ${v.length}` : `${op}: the given v should contain a single Tensor, got ${v.length}`);
  }
  for (let i = 0; i < v.length; i++) {
    const a = v[i].shape, b = other[i].shape;
    if (a.length !== b.length || a.some((s, k) => s !== b[k])) {
      throw new ShapeError(`${op}: ${isOtherTuple ? `entry ${i} in ` : ''}v has invalid size: should be ${fmt(b)} but got ${fmt(a)}`);
    }
  }
}

type GradCheckKind = 'outputs' | 'grad_inputs' | 'jacobian';

/**
 * `_check_requires_grad`: with strict, every entry must exist and require grad. (torch's hvp checks
 * its jacobian a second time, as 'hessian', after the 'jacobian' check: a check that cannot fail.)
 */
function checkRequiresGrad(op: string, xs: readonly (Tensor | null)[], kind: GradCheckKind, strict: boolean): void {
  if (!strict) return;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    if (x === null) throw new AutogradError(`${op}: the output of the user-provided function is independent of input ${i}; this is not allowed in strict mode`);
    if (x.requiresGrad) continue;
    switch (kind) {
      case 'jacobian':
        throw new AutogradError(`${op}: while computing the hessian, found that the jacobian of the user-provided function with respect to input ${i} is independent of the input; this is not allowed in strict mode (the function must be twice differentiable and its jacobian depend on the inputs, which a linear function violates)`);
      case 'grad_inputs':
        throw new AutogradError(`${op}: the gradient with respect to input ${i} is independent of the inputs of the user-provided function; this is not allowed in strict mode`);
      default:
        throw new AutogradError(`${op}: output ${i} of the user-provided function does not require gradients; in strict mode the outputs must be computed in a differentiable manner from the inputs`);
    }
  }
}

/**
 * `_autograd_grad`: autograd.grad over the outputs that require grad (null entries and constants
 * are skipped), with allowUnused; nulls for every input when no output is differentiable.
 */
function gradOf(outputs: readonly (Tensor | null)[], inputs: readonly Tensor[], gradOutputs: readonly (Tensor | null)[] | null, create: boolean, retain: boolean | null = null): (Tensor | null)[] {
  const outs: Tensor[] = [], gos: (Tensor | null)[] = [];
  for (let i = 0; i < outputs.length; i++) {
    const o = outputs[i];
    if (o === null || !o.requiresGrad) continue;
    outs.push(o);
    gos.push(gradOutputs === null ? null : gradOutputs[i]);
  }
  if (outs.length === 0) return inputs.map(() => null);
  return grad(outs, inputs, { gradOutputs: gos, createGraph: create, retainGraph: retain, allowUnused: true });
}

type FillStage = 'back' | 'back_trick' | 'double_back' | 'double_back_trick';

/** `_fill_in_zeros`: a missing gradient is zeros shaped like its reference, or an error with strict. */
function fillInZeros(op: string, grads: readonly (Tensor | null)[], refs: readonly Tensor[], strict: boolean, create: boolean, stage: FillStage): Tensor[] {
  return grads.map((g, i) => {
    if (g === null) {
      if (strict) {
        switch (stage) {
          case 'back': throw new AutogradError(`${op}: the output of the user-provided function is independent of input ${i}; this is not allowed in strict mode`);
          case 'back_trick': throw new AutogradError(`${op}: the gradient with respect to the input is independent of entry ${i} in the grad_outputs when using the double backward trick to compute forward mode gradients; this is not allowed in strict mode`);
          case 'double_back': throw new AutogradError(`${op}: the jacobian of the user-provided function is independent of input ${i}; this is not allowed in strict mode`);
          default: throw new AutogradError(`${op}: the hessian of the user-provided function is independent of entry ${i} in the grad_jacobian; this is not allowed in strict mode as it prevents from using the double backward trick to replace forward mode AD`);
        }
      }
      return zerosLike(refs[i]);
    }
    if (strict && create && !g.requiresGrad) {
      const what = stage.startsWith('double') ? 'hessian' : 'jacobian';
      throw new AutogradError(`${op}: the ${what} of the user-provided function is independent of input ${i}; this is not allowed in strict mode when createGraph=true`);
    }
    return g;
  });
}

/** Runs the user's function on the prepared inputs (it is the caller's; any error it throws passes through). */
function callUser(op: string, func: (...xs: Tensor[]) => unknown, inputs: readonly Tensor[]): [boolean, Tensor[]] {
  return asTuple(op, func(...inputs), 'outputs of the user-provided function');
}

// ---- jacobian ------------------------------------------------------------------------------------

/** The reverse-mode jacobian, torch's loop: one backward per output element, with a one-hot gradient. */
function jacobianOf(op: string, func: (...xs: Tensor[]) => unknown, inputsArg: unknown, create: boolean, strict: boolean, vectorize: boolean): unknown {
  return enableGrad(() => scope(() => {
    const [isInputsTuple, raw] = asTuple(op, inputsArg, 'inputs');
    const inputs = preprocess(op, raw, create, true, 'inputs');
    const [isOutputsTuple, outputs] = callUser(op, func, inputs);
    checkRequiresGrad(op, outputs, 'outputs', strict);
    if (vectorize && strict) throw new ValueError(`${op}: strict=true and vectorize=true are not supported together (as in PyTorch); set strict=false or vectorize=false`);
    const jac: Tensor[][] = outputs.map((out, i) => {
      const m = out.numel;
      // torch stacks the rows of an output with no elements and fails there
      if (m === 0) throw new ShapeError(`${op}: output ${i} of the user-provided function has no elements (shape ${fmt(out.shape)}); PyTorch's jacobian refuses it too`);
      const shapeOf = (k: number): number[] => [...out.shape, ...inputs[k].shape];
      if (!out.requiresGrad) return inputs.map((inp, k) => zeros(shapeOf(k), { dtype: inp.dtype, device: inp.device }));
      const rows: Tensor[][] = inputs.map(() => []);
      // the one-hot gradient of row j: element j of `onehot` set for that backward (the seed is copied)
      const onehot = zeros([m], { dtype: out.dtype, device: out.device });
      const seed = onehot.reshape(out.shape);
      for (let j = 0; j < m; j++) {
        const at = onehot.narrow(0, j, 1);
        at.fill_(1);
        const vj = gradOf([out], inputs, [seed], create, true);
        at.fill_(0);
        at.dispose();
        for (let k = 0; k < inputs.length; k++) {
          const g = vj[k];
          if (g !== null) {
            if (strict && create && !g.requiresGrad) throw new AutogradError(`${op}: the jacobian of output ${i} of the user-provided function is independent of input ${k}; this is not allowed in strict mode when createGraph=true`);
            rows[k].push(g);
          } else {
            if (strict) throw new AutogradError(`${op}: output ${i} of the user-provided function is independent of input ${k}; this is not allowed in strict mode`);
            rows[k].push(zerosLike(inputs[k]));
          }
        }
      }
      return rows.map((r, k) => {
        const s = stack(r, 0);
        for (const t of r) t.dispose();
        const v = s.reshape(shapeOf(k));
        if (v !== s) s.dispose();
        return v;
      });
    });
    return unpack(postprocess(jac, create), [isOutputsTuple, isInputsTuple]);
  }));
}

/** Options of {@link jacobian} (PyTorch's keyword arguments). */
export interface JacobianOptions {
  /** Compute the jacobian in a differentiable way (its entries stay in the graph). Default false. */
  createGraph?: boolean;
  /** Throw an AutogradError when an output is independent of an input, instead of giving zeros. Default false. */
  strict?: boolean;
  /**
   * PyTorch's vmap-based computation: accepted, and computed by the same loop of backward passes
   * (the results are the same; flintml has no vmap). With strict it is refused, as in PyTorch.
   */
  vectorize?: boolean;
  /** 'reverse-mode' (the default); 'forward-mode' is refused: flintml has no forward-mode AD. */
  strategy?: JacobianStrategy;
}

const JACOBIAN_ARGS = signature('autograd.functional.jacobian', ['func', 'inputs', 'createGraph', 'strict', 'vectorize', 'strategy'], {
  func: required(A.func<TensorFunction<unknown>>()), inputs: required(anyValue<Inputs>()), createGraph: optional(bool, false),
  strict: optional(bool, false), vectorize: optional(bool, false), strategy: optional(oneOf<JacobianStrategy>('forward-mode', 'reverse-mode'), 'reverse-mode'),
});

function refuseForwardMode(op: string, option: string): never {
  throw new ValueError(`${op}: ${option} 'forward-mode' is not supported: flintml has no forward-mode AD; 'reverse-mode' (the default) gives the same values`);
}

/**
 * The jacobian of `func` at `inputs`, as `torch.autograd.functional.jacobian`: for one Tensor input
 * and one Tensor output, a Tensor of shape `out.shape + in.shape`; for an array of inputs or outputs
 * an array, and for both `J[i][j]` (output i, input j). Each entry has its input's dtype and device.
 * An output independent of an input gives zeros (an AutogradError with `strict`). Computed by one
 * backward per output element (reverse mode); `vectorize` is accepted and runs the same loop.
 * ```ts
 * const J = fl.autograd.functional.jacobian((x) => x.exp().sum(1), fl.rand([2, 2]));  // shape [2, 2, 2]
 * ```
 */
export function jacobian<O extends Outputs, I extends Inputs>(func: TensorFunction<O>, inputs: I, options?: JacobianOptions): JacobianResult<O, I>;
export function jacobian<O extends Outputs, I extends Inputs>(func: TensorFunction<O>, inputs: I, ...args: ArgsThenOptions<[createGraph: boolean, strict: boolean, vectorize: boolean, strategy: JacobianStrategy], JacobianOptions>): JacobianResult<O, I>;
export function jacobian(...args: unknown[]): unknown {
  const o = JACOBIAN_ARGS.parse(args);
  const op = 'autograd.functional.jacobian';
  if (o.strategy === 'forward-mode') refuseForwardMode(op, 'strategy');
  return jacobianOf(op, o.func, o.inputs, o.createGraph, o.strict, o.vectorize);
}

// ---- hessian -------------------------------------------------------------------------------------

/** Options of {@link hessian} (PyTorch's keyword arguments): jacobian's, with the outer jacobian's strategy. */
export interface HessianOptions extends Omit<JacobianOptions, 'strategy'> {
  /** The outer jacobian's strategy: 'reverse-mode' (the default); 'forward-mode' is refused. */
  outerJacobianStrategy?: JacobianStrategy;
}

const HESSIAN_ARGS = signature('autograd.functional.hessian', ['func', 'inputs', 'createGraph', 'strict', 'vectorize', 'outerJacobianStrategy'], {
  func: required(A.func<TensorFunction<unknown>>()), inputs: required(anyValue<Inputs>()), createGraph: optional(bool, false),
  strict: optional(bool, false), vectorize: optional(bool, false),
  outerJacobianStrategy: optional(oneOf<JacobianStrategy>('forward-mode', 'reverse-mode'), 'reverse-mode'),
});

/**
 * The hessian of a scalar function `func` at `inputs`, as `torch.autograd.functional.hessian`: the
 * jacobian of its (differentiable) jacobian. For one Tensor input a Tensor of shape
 * `in.shape + in.shape`; for an array, `H[i][j]` of shape `in[i].shape + in[j].shape`. `func` must
 * return one Tensor with one element. Needs second derivatives through every op of `func`: an op
 * whose backward is not differentiable in flintml (the fused LSTM cell, checkpoint) is refused with an AutogradError.
 * ```ts
 * const H = fl.autograd.functional.hessian((x) => x.pow(3).sum(), fl.rand([2, 2]));  // shape [2, 2, 2, 2]
 * ```
 */
export function hessian<I extends Inputs>(func: TensorFunction<Tensor>, inputs: I, options?: HessianOptions): HessianResult<I>;
export function hessian<I extends Inputs>(func: TensorFunction<Tensor>, inputs: I, ...args: ArgsThenOptions<[createGraph: boolean, strict: boolean, vectorize: boolean, outerJacobianStrategy: JacobianStrategy], HessianOptions>): HessianResult<I>;
export function hessian(...args: unknown[]): unknown {
  const o = HESSIAN_ARGS.parse(args);
  const op = 'autograd.functional.hessian';
  const [isInputsTuple, inputs] = asTuple(op, o.inputs, 'inputs');
  if (o.outerJacobianStrategy === 'forward-mode') refuseForwardMode(op, 'outerJacobianStrategy');
  const strict = o.strict;
  const single = (...inp: Tensor[]): Tensor => {
    const out = o.func(...inp);
    const [isOutTuple, tOut] = asTuple(op, out, 'outputs of the user-provided function');
    checkRequiresGrad(op, tOut, 'outputs', strict);
    if (isOutTuple) throw new ValueError(`${op}: the function given to hessian should return a single Tensor, got an array of ${tOut.length}`);
    if (tOut[0].numel !== 1) throw new ShapeError(`${op}: the Tensor returned by the function given to hessian should contain a single element, got shape ${fmt(tOut[0].shape)}`);
    return tOut[0].squeeze();
  };
  const jacFunc = (...inp: Tensor[]): Tensor[] => {
    const jac = jacobianOf(op, single, inp, true, false, false) as Tensor[];
    checkRequiresGrad(op, jac, 'jacobian', strict);
    return jac;
  };
  const res = jacobianOf(op, jacFunc, inputs, o.createGraph, strict, o.vectorize) as unknown[];
  return unpack(res, [isInputsTuple, isInputsTuple]);
}

// ---- vjp, jvp, vhp, hvp --------------------------------------------------------------------------

/** Options of {@link vjp}, {@link jvp}, {@link vhp} and {@link hvp} (PyTorch's keyword arguments). */
export interface ProductOptions {
  /** The vector (a Tensor, or an array as the outputs or inputs are); optional when that has one element. */
  v?: Tensor | readonly Tensor[] | null;
  /** Compute the outputs and the product in a differentiable way. Default false. */
  createGraph?: boolean;
  /** Throw an AutogradError where an output is independent of an input, instead of giving zeros. Default false. */
  strict?: boolean;
}

const productArgs = (name: string) => signature(`autograd.functional.${name}`, ['func', 'inputs', 'v', 'createGraph', 'strict'], {
  func: required(A.func<TensorFunction<unknown>>()), inputs: required(anyValue<Inputs>()), v: optional(A.nullable(anyValue<Tensor | readonly Tensor[]>()), null),
  createGraph: optional(bool, false), strict: optional(bool, false),
});
const VJP_ARGS = productArgs('vjp'), JVP_ARGS = productArgs('jvp'), VHP_ARGS = productArgs('vhp'), HVP_ARGS = productArgs('hvp');
type ProductTail = ArgsThenOptions<[v: Tensor | readonly Tensor[] | null, createGraph: boolean, strict: boolean], ProductOptions>;

/**
 * The prepared inputs and v of vjp/jvp/vhp/hvp: v checked against `against` (the inputs, or for
 * vjp the outputs, once they exist), or refused as missing unless that has one element.
 */
function prepareV(op: string, v: unknown, create: boolean, against: readonly Tensor[], isTuple: boolean, missing: string): Tensor[] | null {
  if (v !== null) {
    const [, vs] = asTuple(op, v, 'v');
    const prepared = preprocess(op, vs, create, false, 'v');
    validateV(op, prepared, against, isTuple);
    return prepared;
  }
  if (against.length !== 1 || against[0].numel !== 1) throw new ValueError(`${op}: the vector v can only be null if ${missing} a single Tensor with a single element`);
  return null;
}

/** The one-element output of the function given to vhp and hvp. */
function scalarOutput(op: string, name: string, isTuple: boolean, outputs: readonly Tensor[]): void {
  if (isTuple) throw new ValueError(`${op}: the function given to ${name} should return a single Tensor, got an array of ${outputs.length}`);
  if (outputs[0].numel !== 1) throw new ShapeError(`${op}: the Tensor returned by the function given to ${name} should contain a single element, got shape ${fmt(outputs[0].shape)}`);
}

/**
 * The vector-Jacobian product `vᵀ J` of `func` at `inputs`, as `torch.autograd.functional.vjp`:
 * returns `[func(inputs), vjp]`, the vjp shaped as the inputs (a Tensor or an array). `v` is shaped
 * as the outputs; it may be omitted when the output has one element.
 * ```ts
 * const [y, g] = fl.autograd.functional.vjp((x) => x.exp().sum(1), fl.rand([4, 4]), fl.ones([4]));
 * ```
 */
export function vjp<O extends Outputs, I extends Inputs>(func: TensorFunction<O>, inputs: I, ...args: ProductTail): [Like<O>, Like<I>];
export function vjp(...args: unknown[]): unknown {
  const o = VJP_ARGS.parse(args);
  const op = 'autograd.functional.vjp', create = o.createGraph, strict = o.strict;
  return enableGrad(() => scope(() => {
    const [isInputsTuple, raw] = asTuple(op, o.inputs, 'inputs');
    const inputs = preprocess(op, raw, create, true, 'inputs');
    const [isOutputsTuple, outputs] = callUser(op, o.func, inputs);
    checkRequiresGrad(op, outputs, 'outputs', strict);
    const v = prepareV(op, o.v, create, outputs, isOutputsTuple, 'the user-provided function returns');
    const res = fillInZeros(op, gradOf(outputs, inputs, v, create), inputs, strict, create, 'back');
    return [unpack(postprocess(outputs, create), isOutputsTuple), unpack(postprocess(res, create), isInputsTuple)];
  }));
}

/**
 * The Jacobian-vector product `J v` of `func` at `inputs`, as `torch.autograd.functional.jvp` (by
 * the same double-backward trick, so it needs second derivatives through the ops of `func`):
 * returns `[func(inputs), jvp]`, the jvp shaped as the outputs. `v` is shaped as the inputs; it may
 * be omitted when the input has one element.
 * ```ts
 * const [y, d] = fl.autograd.functional.jvp((x) => x.exp().sum(1), fl.rand([4, 4]), fl.ones([4, 4]));
 * ```
 */
export function jvp<O extends Outputs, I extends Inputs>(func: TensorFunction<O>, inputs: I, ...args: ProductTail): [Like<O>, Like<O>];
export function jvp(...args: unknown[]): unknown {
  const o = JVP_ARGS.parse(args);
  const op = 'autograd.functional.jvp', create = o.createGraph, strict = o.strict;
  return enableGrad(() => scope(() => {
    const [isInputsTuple, raw] = asTuple(op, o.inputs, 'inputs');
    const inputs = preprocess(op, raw, create, true, 'inputs');
    const v = prepareV(op, o.v, create, inputs, isInputsTuple, 'the input to the user-provided function is');
    const [isOutputsTuple, outputs] = callUser(op, o.func, inputs);
    checkRequiresGrad(op, outputs, 'outputs', strict);
    // the backward is linear in its gradient: any value (here zeros) that requires grad serves
    const gradOutputs = outputs.map((out, i) => {
      if (!isFloating(out.dtype)) throw new DTypeError(`${op}: output ${i} of the user-provided function is ${out.dtype}; its zero gradient cannot require grad (only floating point tensors can), as in PyTorch`);
      return zerosLike(out, { requiresGrad: true });
    });
    const gradInputs = gradOf(outputs, inputs, gradOutputs, true);
    checkRequiresGrad(op, gradInputs, 'grad_inputs', strict);
    const res = fillInZeros(op, gradOf(gradInputs, gradOutputs, v, create), outputs, strict, create, 'back_trick');
    return [unpack(postprocess(outputs, create), isOutputsTuple), unpack(postprocess(res, create), isOutputsTuple)];
  }));
}

/** vhp and hvp: the gradient of the scalar `func` (createGraph), then the product with v. */
function hessianProduct(op: string, name: 'vhp' | 'hvp', o: { func: TensorFunction<unknown>; inputs: unknown; v: unknown; createGraph: boolean; strict: boolean }): unknown {
  const create = o.createGraph, strict = o.strict;
  return enableGrad(() => scope(() => {
    const [isInputsTuple, raw] = asTuple(op, o.inputs, 'inputs');
    const inputs = preprocess(op, raw, create, true, 'inputs');
    const v = prepareV(op, o.v, create, inputs, isInputsTuple, 'the input to the user-provided function is');
    const [isOutputsTuple, outputs] = callUser(op, o.func, inputs);
    checkRequiresGrad(op, outputs, 'outputs', strict);
    scalarOutput(op, name, isOutputsTuple, outputs);
    const jac = gradOf(outputs, inputs, null, true);
    checkRequiresGrad(op, jac, 'jacobian', strict);
    let res: Tensor[];
    if (name === 'vhp') {
      res = fillInZeros(op, gradOf(jac, inputs, v, create), inputs, strict, create, 'double_back');
    } else {
      // the double-backward trick: the backward of jac is linear in its gradient gradJac, so the
      // gradient of that with respect to gradJac, against v, is H v
      const gradJac = inputs.map((inp) => zerosLike(inp, { requiresGrad: true }));
      const doubleBack = gradOf(jac, inputs, gradJac, true);
      res = fillInZeros(op, gradOf(doubleBack, gradJac, v, create), inputs, strict, create, 'double_back_trick');
    }
    return [unpack(postprocess(outputs, create), isOutputsTuple), unpack(postprocess(res, create), isInputsTuple)];
  }));
}

/**
 * The vector-Hessian product `vᵀ H` of a scalar `func` at `inputs`, as
 * `torch.autograd.functional.vhp`: returns `[func(inputs), vhp]`, the vhp shaped as the inputs.
 * `v` is shaped as the inputs; it may be omitted when the input has one element.
 * ```ts
 * const [y, p] = fl.autograd.functional.vhp((x) => x.pow(3).sum(), fl.rand([2, 2]), fl.ones([2, 2]));
 * ```
 */
export function vhp<I extends Inputs>(func: TensorFunction<Tensor>, inputs: I, ...args: ProductTail): [Tensor, Like<I>];
export function vhp(...args: unknown[]): unknown {
  return hessianProduct('autograd.functional.vhp', 'vhp', VHP_ARGS.parse(args));
}

/**
 * The Hessian-vector product `H v` of a scalar `func` at `inputs`, as
 * `torch.autograd.functional.hvp` (by the double-backward trick: slower than vhp, which equals it
 * for twice continuously differentiable functions): returns `[func(inputs), hvp]`.
 * ```ts
 * const [y, p] = fl.autograd.functional.hvp((x) => x.pow(3).sum(), fl.rand([2, 2]), fl.ones([2, 2]));
 * ```
 */
export function hvp<I extends Inputs>(func: TensorFunction<Tensor>, inputs: I, ...args: ProductTail): [Tensor, Like<I>];
export function hvp(...args: unknown[]): unknown {
  return hessianProduct('autograd.functional.hvp', 'hvp', HVP_ARGS.parse(args));
}
