// elementwise.ts — unary, binary and ternary elementwise ops with broadcasting and PyTorch type
// promotion, their in-place forms (trailing underscore, as in PyTorch: `t.add_(1)`), where,
// clamp and maskedFill. One native entry per family ('unary', 'binary', 'where'); codes in codes.ts.
//
// Every unary and binary op is ONE entry of its kind's table (the "unary ops" and "binary ops"
// sections): `export const exp: UnaryFn = unaryOp('exp', { dtype: 'float', usesY: true, … })`.
// The entry names the op's native code and gives its dtype rule, its gradient (null: not
// differentiable, no graph node), whether the gradient reads the output (then the output is saved,
// else only the inputs) and whether Tensor gets the method and the in-place method. The exported
// function, the Tensor methods, the in-place methods and the graph node all come from the entry;
// every native code must have one (checked when this file loads). Adding a unary op: its code in
// the native header, one entry here (its method `x.op()` is typed from the codes: UnaryMethods) and
// its reference in test/optable.ts; only an in-place form or arguments add a typing to the
// `declare module` block. An entry's `args` names its public arguments after x: every generated
// form refuses an argument beyond them (lib/args.ts tooManyArgs), so `relu(x, true)` fails. gelu, clamp and div, whose public forms take options, are written by
// hand around their entries.
import { DType, isFloating, resultType, PromoteArg } from '../dtype';
import { getDefaultDtype } from '../defaults';
import { DeviceError, DTypeError, FlintError, OverflowError, ShapeError, ValueError } from '../errors';
import { anyValue, ArgsThenOptions, int, isPlainObject, optional, Param, required, signature, tooManyArgs, unknownOption } from '../args';
import { describeArg } from '../arity';
import { call, opId, OperandView, ScalarOperand } from '../native';
import { broadcastShapes, broadcastStrides, fmt, numel } from '../shape';
import { complexHook, complexOperand, contiguousCopy, emptyTensor, isComplexTensor, scopeSync, Tensor, TensorLike, copyInto } from '../tensor';
import { BINARY, UNARY } from './codes';
import { bitwiseNotOnnx, bitwiseOnnx, digammaOnnx, erfinvOnnx, i0Onnx, lgammaOnnx, shiftOnnx } from './onnx-special';
import { AutogradError, isGradEnabled, markZeroGradient, needsGrad, record, sumToShape } from '../autograd';
import { traced, traceState } from '../trace';
import type { OnnxGraph, TracedValue } from '../trace';

const UNARY_OP = opId('unary');
const BINARY_OP = opId('binary');
const WHERE_OP = opId('where');
const P = Tensor.prototype;

/** @internal */
export function asTensorArg(x: unknown, op: string): TensorLike {
  if (x instanceof Tensor || typeof x === 'number' || typeof x === 'boolean') return x;
  throw new ValueError(`${String(op)}: expected a Tensor, number or boolean, got ${x === null ? 'null' : typeof x}`);
}

function promoteArg(x: TensorLike): PromoteArg {
  return x instanceof Tensor ? { dtype: x.dtype, ndim: x._shape.length } : x;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** @internal Device shared by the tensor operands, or DeviceError. */
export function commonDevice(op: string, ...xs: TensorLike[]): Tensor['_storage']['device'] | undefined {
  let dev: Tensor['_storage']['device'] | undefined;
  for (const x of xs) {
    if (!(x instanceof Tensor)) continue;
    const d = x._storage.device;
    if (dev === undefined) dev = d;
    else if (dev.name !== d.name) {
      throw new DeviceError(`${String(op)}: expected all tensors on one device, got ${String(dev.name)} and ${String(d.name)} (move them with .to())`);
    }
  }
  return dev;
}

/**
 * @internal Prepares operand x of an op whose output has `shape` and computes in `dt`:
 * a scalar, the tensor itself, or a broadcast view; casts (into `temps`) when dtypes differ.
 */
export function operand(x: TensorLike, dt: DType, shape: readonly number[], op: string, temps: Tensor[]): OperandView | ScalarOperand {
  if (!(x instanceof Tensor)) return { scalar: +x, dtype: dt };
  let t = x;
  if (t.dtype !== dt) { t = contiguousCopy(t, op, dt); temps.push(t); }
  if (sameShape(t._shape, shape)) return t;
  const src = t;
  return {
    dtype: dt, _shape: shape, _strides: broadcastStrides(src._shape, src._strides, shape), _offset: src._offset,
    _handleFor: (o: string) => src._handleFor(o),
  };
}

function run(id: number, op: string, out: Tensor, ops: (OperandView | ScalarOperand)[], params: readonly number[], temps: Tensor[]): void {
  try {
    if (out.numel > 0) call(id, op, [out, ...ops], params);
  } finally {
    for (const t of temps) t.dispose();
  }
}

function categoryOf(dt: DType): number { return dt === 'bool' ? 0 : isFloating(dt) ? 2 : 1; }

/** The in-place ops that may write into an expanded view (one value to every alias, as torch allows). */
const OVERLAP_OK = new Set(['fill_', 'zero_', 'maskedFill_']);

/**
 * @internal As torch's assert_no_internal_overlap: no in-place write into a tensor whose elements
 * share memory (a stride-0 expanded view): add_ on one added once per alias, uniform_ drew one value
 * per element into one place.
 */
export function refuseInternalOverlap(t: Tensor, op: string): void {
  for (let i = 0; i < t._shape.length; i++) {
    if (t._strides[i] === 0 && t._shape[i] > 1) {
      throw new ValueError(`${op}: unsupported operation: more than one element of the written-to tensor (shape ${fmt(t._shape)}, strides ${fmt(t._strides)}) refers to a single memory location (an expanded view); clone it first`);
    }
  }
}
/** @internal In-place writes: bump the version (autograd checks saved tensors) and refuse tensors that require grad or whose elements share memory. */
export function checkInplace(t: Tensor, op: string, ...others: unknown[]): void {
  // fill_, zero_ and maskedFill_ write one value to every alias, which torch allows too
  if (!OVERLAP_OK.has(op)) refuseInternalOverlap(t, op);
  if (needsGrad(t, ...others)) {
    throw new AutogradError(`${op}: in-place ops on tensors that require grad are not supported while grad is enabled (${t.isLeaf ? 'a leaf' : 'a graph tensor'} of shape ${fmt(t._shape)}); use the out-of-place op, or noGrad() for parameter updates`);
  }
  t._storage.version++;
}

// ---- binary ops: the machinery ----------------------------------------------------------------

type BinaryCode = keyof typeof BINARY;

/**
 * A binary op's dtype rule over the promoted type of its operands: 'arith' computes in it;
 * 'float' computes integers and bool in float32; 'compare' and 'logical' give bool.
 */
type BinaryKind = 'arith' | 'compare' | 'logical' | 'float' | 'int';

/** One entry of the binary table. */
interface BinarySpec {
  dtype: BinaryKind;
  /**
   * [dL/da, dL/db] from the output's gradient g, the operands (saved tensors, or the scalars), the
   * saved output y (with `usesY`) and which operands need a gradient (tensors that required grad when
   * the op ran: a constant operand, such as an attention mask, costs no gradient work); a gradient
   * for an operand that needs none is ignored, so an entry may skip computing it. null: not
   * differentiable. A gradient that is g itself is copied before it is summed to its operand's shape.
   */
  grad: ((g: Tensor, a: TensorLike, b: TensorLike, y: Tensor, need: readonly [boolean, boolean]) => [Tensor | null, Tensor | null]) | null;
  /** The gradient reads the output, so it is saved too. */
  usesY?: boolean;
  /**
   * Which of a, b (and y, with `usesY`) the gradient reads, given which operands need a gradient;
   * only those are saved, as PyTorch's derivatives.yaml saves only what each formula reads (an add
   * keeps neither operand alive for backward, so a Linear's product before its bias, or a logit
   * matrix, is freed when the scope that made it ends). Default: every tensor operand. `grad` gets
   * null for an operand that is not saved, and must not read it.
   */
  saves?: (needA: boolean, needB: boolean) => readonly [boolean, boolean, boolean];
  /** Tensor gets the in-place method `name_(other)`. */
  inplace?: boolean;
  /** Tensor gets the method `name(other)` (default true; false where it is written by hand). */
  method?: boolean;
  /** The op takes PyTorch's `alpha` (a op alpha·b): in its function, method and in-place method. */
  alpha?: boolean;
  /** Bool operands are refused with this advice. */
  refuseBool?: string;
  /** Refuses operands the op is not defined for, given the compute dtype (throws a typed error). */
  check?: (a: TensorLike, b: TensorLike, dt: DType) => void;
  /** The second operand's name in messages (PyTorch's; default 'other'). */
  other?: string;
  /**
   * The ONNX mapping (fl.onnx.export): the ONNX op of the same semantics, or a function that builds
   * the result from the operands (already in the compute dtype `dt`); null: none (export fails naming the op).
   */
  onnx: string | ((g: OnnxGraph, a: string, b: string, dt: DType) => string) | null;
}
interface BinaryEntry extends BinarySpec {
  code: BinaryCode;
  /** the native params of every call (the code): one array, read-only */
  params: readonly number[];
}

const BINARY_TABLE = new Map<BinaryCode, BinaryEntry>();

/** A binary op's public function: `fl.mul(a, b)`. */
type BinaryFn = (a: TensorLike, b: TensorLike) => Tensor;
/** add/sub's: `fl.add(a, b, alpha)`. */
type AlphaFn = (a: TensorLike, b: TensorLike, alpha?: AlphaArg) => Tensor;

/** Defines the binary op with native code `code` (a table entry): returns its function and installs its methods. */
function binaryOp(code: BinaryCode, spec: BinarySpec): (a: TensorLike, b: TensorLike, ...args: any[]) => Tensor {
  if (BINARY_TABLE.has(code)) throw new FlintError(`elementwise: binary op ${code} has two entries`);
  const e: BinaryEntry = { ...spec, code, params: [BINARY[code]] };
  BINARY_TABLE.set(code, e);
  // every form refuses an argument beyond those it declares (one comparison per call)
  const mArgs = e.alpha ? `${e.other ?? 'other'}, alpha` : e.other ?? 'other', fArgs = `input, ${mArgs}`, nm = e.alpha ? 2 : 1;
  const fn = e.alpha
    ? function (a: TensorLike, b: TensorLike, alpha?: AlphaArg): Tensor {
      if (arguments.length > 3) tooManyArgs(code, fArgs, arguments);
      return withAlpha(e, a, b, readAlpha(alpha, code));
    }
    : function (a: TensorLike, b: TensorLike): Tensor {
      if (arguments.length > 2) tooManyArgs(code, fArgs, arguments);
      return binary(e, a, b);
    };
  Object.defineProperty(fn, 'name', { value: code });
  if (e.method !== false) {
    (P as any)[code] = function (this: Tensor, o: TensorLike, alpha?: AlphaArg) {
      if (arguments.length > nm) tooManyArgs(code, mArgs, arguments);
      return e.alpha ? withAlpha(e, this, o, readAlpha(alpha, code)) : binary(e, this, o);
    };
  }
  if (e.inplace) {
    (P as any)[code + '_'] = function (this: Tensor, o: TensorLike, alpha?: AlphaArg): Tensor {
      if (arguments.length > nm) tooManyArgs(`${code}_`, mArgs, arguments);
      return withAlpha(e, this, o, e.alpha ? readAlpha(alpha, `${code}_`) : undefined, this);
    };
  }
  return fn;
}

const isBoolArg = (v: TensorLike): boolean => typeof v === 'boolean' || (v instanceof Tensor && v.dtype === 'bool');

/** a op alpha·b (the scaled operand is a temporary). */
function withAlpha(e: BinaryEntry, a: TensorLike, b: TensorLike, alpha: number | undefined, out?: Tensor): Tensor {
  if (alpha !== undefined && alpha !== 1) {
    // As torch: a fractional alpha would turn an integer sum into a float one
    if (!Number.isInteger(alpha)) {
      const dt = resultType(promoteArg(asTensorArg(a, e.code)), promoteArg(asTensorArg(b, e.code)));
      if (!isFloating(dt)) throw new DTypeError(`${String(e.code)}: alpha must be an integer for ${String(dt)} operands, got ${describeArg(alpha)}`);
    }
    // a JS number other (`x.add(1, 2)`, as torch.add(x, 1, alpha=2)) is scaled in JS: mul needs a tensor
    if (typeof b === 'number' || typeof b === 'boolean') return binary(e, a, Number(b) * alpha, out);
    const scaled = mul(b, alpha);
    try { return binary(e, a, scaled, out); } finally { scaled.dispose(); }
  }
  return binary(e, a, b, out);
}

function binary(e: BinaryEntry, a: TensorLike, b: TensorLike, out?: Tensor): Tensor {
  const op = e.code, kind = e.dtype;
  a = asTensorArg(a, op); b = asTensorArg(b, op);
  if (!(a instanceof Tensor) && !(b instanceof Tensor)) throw new ValueError(`${String(op)}: at least one operand must be a Tensor`);
  // complex operands: lib/ops/complex.ts computes on their parts (or refuses the op)
  const cx = complexOperand(a, b);
  if (cx !== null) return complexHook('binary', op, cx)(op, a, b, out);
  const dev = commonDevice(op, a, b)!;
  // the common cases without resultType's operand records: two tensors of one dtype, or a floating
  // tensor with a JS scalar, compute in that tensor's dtype (as resultType says)
  let dt = a instanceof Tensor
    ? (b instanceof Tensor ? (b.dtype === a.dtype ? a.dtype : null) : (isFloating(a.dtype) ? a.dtype : null))
    : (b instanceof Tensor && isFloating(b.dtype) ? b.dtype : null);
  if (dt === null) dt = resultType(promoteArg(a), promoteArg(b));
  if (kind === 'float' && !isFloating(dt)) dt = getDefaultDtype();
  // torch refuses a bool operand of sub even beside a number tensor (x - True), not only a bool result
  if (e.refuseBool && (dt === 'bool' || isBoolArg(a) || isBoolArg(b))) throw new DTypeError(`${String(op)}: ${e.refuseBool}`);
  if (e.check) e.check(a, b, dt);
  const outDt: DType = kind === 'compare' || kind === 'logical' ? 'bool' : dt;
  const sa = a instanceof Tensor ? a._shape : [], sb = b instanceof Tensor ? b._shape : [];
  const shape = sameShape(sa, sb) ? sa : broadcastShapes(op, sa, sb);
  const temps: Tensor[] = [];
  if (out) {  // in place: out is operand a
    checkInplace(out, op + '_', b);
    if (!sameShape(shape, out._shape)) {
      throw new ShapeError(`${String(op)}_: result shape ${fmt(shape)} does not match the in-place tensor's shape ${fmt(out._shape)}`);
    }
    if (outDt !== out.dtype) {
      // the result cannot be stored back without losing its category (float into int, …)
      if (categoryOf(outDt) > categoryOf(out.dtype)) {
        throw new DTypeError(`${String(op)}_: result type ${String(outDt)} can't be cast to the in-place tensor's dtype ${String(out.dtype)}`);
      }
      const tmp = binary(e, a, b);
      try { copyInto(out, tmp, op + '_'); } finally { tmp.dispose(); }
      return out;
    }
    run(BINARY_OP, op + '_', out, [operand(a, dt, shape, op, temps), operand(b, dt, shape, op, temps)], e.params, temps);
    return traceState.tracer === null ? out : traced(op + '_', [a, b], out, (g, [va, vb], [o]) => g.cast(lowerBinary(e, g, va, vb, dt), outDt, o.dtype));
  }
  const res = emptyTensor(shape, outDt, dev, false, op);
  try {
    const A = operand(a, dt, shape, op, temps), B = operand(b, dt, shape, op, temps);
    if (numel(shape) > 0) call(BINARY_OP, op, [res, A, B], e.params);
  } catch (err) { res.dispose(); throw err; } finally {
    for (let i = 0; i < temps.length; i++) temps[i].dispose();
  }
  if (e.grad && needsGrad(a, b)) recordBinary(e, e.grad, a, b, res);
  return traceState.tracer === null ? res : traced(op, [a, b], res, (g, [va, vb]) => lowerBinary(e, g, va, vb, dt));
}

/** A binary op's ONNX nodes: operands cast to the compute dtype (bool for the logical ops), then its mapping. */
function lowerBinary(e: BinaryEntry, g: OnnxGraph, va: TracedValue, vb: TracedValue, dt: DType): string {
  if (e.onnx === null) g.unsupported(e.code, 'no ONNX operator computes it');
  const cdt: DType = e.dtype === 'logical' ? 'bool' : dt;
  const a = g.operand(va, cdt), b = g.operand(vb, cdt);
  return typeof e.onnx === 'string' ? g.op(e.onnx, [a, b]) : e.onnx(g, a, b, cdt);
}

function recordBinary(e: BinaryEntry, grad: NonNullable<BinarySpec['grad']>, a: TensorLike, b: TensorLike, y: Tensor): void {
  const ta = a instanceof Tensor ? a : null, tb = b instanceof Tensor ? b : null;
  const need: [boolean, boolean] = [ta !== null && ta._requiresGrad, tb !== null && tb._requiresGrad];
  // save only what the gradient reads (the entry's `saves`; by default the tensor operands, and y
  // where the entry says so)
  const [readA, readB, readY] = e.saves ? e.saves(need[0], need[1]) : [true, true, !!e.usesY];
  const saveA = ta !== null && readA, saveB = tb !== null && readB, saveY = readY && !!e.usesY;
  const saved: Tensor[] = [];
  if (saveA) saved.push(ta);
  if (saveB) saved.push(tb);
  if (saveY) saved.push(y);
  record(e.code, [a, b], [y], saved, ([g], sv) => scopeSync(() => {
    let k = 0;
    const unread = null as unknown as Tensor;
    const A: TensorLike = ta ? (saveA ? sv[k++] : unread) : a, B: TensorLike = tb ? (saveB ? sv[k++] : unread) : b;
    const sy = saveY ? sv[k++] : unread;
    const gy = g!;
    const [ga, gb] = grad(gy, A, B, sy, need);
    // The incoming gradient passed through unchanged (add, sub): the engine disposes gy after this
    // function, so one output may be a view of it (it then owns the storage alone) and a reduced
    // one (a broadcast bias) reads it through a view too; only a second full-size use copies.
    let gyHandedOut = false;
    const own = (x: Tensor, shape: readonly number[]): Tensor => {
      if (x !== gy) return sumToShape(x, shape);
      if (isGradEnabled()) return sumToShape(gy.reshape(gy._shape), shape);  // createGraph: a view in the graph
      const reduced = !sameShape(gy._shape, shape);
      if (!reduced && gyHandedOut) return sumToShape(gy.clone(), shape);
      if (!reduced) gyHandedOut = true;
      return sumToShape(gy._view(gy._shape, gy._strides, gy._offset), shape);
    };
    return [ta && need[0] && ga ? own(ga, ta._shape) : null, tb && need[1] && gb ? own(gb, tb._shape) : null];
  }), true);
}

// ---- unary ops: the machinery -----------------------------------------------------------------

type UnaryCode = keyof typeof UNARY;

/**
 * A unary op's dtype rule: 'same' keeps x's dtype; 'float' computes integers and bool in float32;
 * 'bool' gives bool; 'signed' keeps x's dtype and refuses bool (as torch's abs, neg, relu, floor, …); 'numeric' keeps x's dtype but
 * computes bool in int32 (torch's square of a bool tensor is int64, flintml's integer dtype).
 */
type UnaryKind = 'same' | 'float' | 'bool' | 'signed' | 'numeric';

/** One entry of the unary table. */
interface UnarySpec {
  dtype: UnaryKind;
  /**
   * dL/dx from the output's gradient g, the saved input x, the saved output y (with `usesY`) and
   * the op's native params; null: not differentiable (no graph node).
   */
  grad: ((g: Tensor, x: Tensor, y: Tensor, params: readonly number[]) => Tensor) | null;
  /** The gradient reads the output, so it is saved too. */
  usesY?: boolean;
  /** false: the gradient does not read x (exp, tanh, …: y alone; neg: nothing), so x is not saved. */
  usesX?: boolean;
  /** Tensor gets the in-place method `name_()`. */
  inplace?: boolean;
  /** Tensor gets the method `name(...)` (default true; false where it is written by hand). */
  method?: boolean;
  /** The op's name in errors and in the graph where it is not the code's (geluTanh is 'gelu'). */
  name?: string;
  /** The public arguments after x (PyTorch's names), at most two; default none. */
  args?: readonly string[];
  /** Refuses inputs the op is not defined for (throws a typed error naming the op), before any kernel runs. */
  check?: (x: Tensor) => void;
  /** The native params from those arguments (leakyRelu's slope); default none. */
  params?: (a?: any, b?: any) => number[];
  /**
   * The ONNX mapping (fl.onnx.export): the ONNX op of the same semantics, or a function that builds
   * the result from x (already in the compute dtype `dt`) and the native params; null: none.
   */
  onnx: string | ((g: OnnxGraph, x: string, params: readonly number[], dt: DType) => string) | null;
}
interface UnaryEntry extends UnarySpec {
  code: UnaryCode;
  name: string;
  /** the native params of a call without arguments (the code): one array, read-only */
  params0: readonly number[];
}

const UNARY_TABLE = new Map<UnaryCode, UnaryEntry>();

/** A unary op's public function: `fl.exp(x)`. */
type UnaryFn = (x: Tensor) => Tensor;

const NO_PARAMS = Object.freeze([]) as unknown as number[];
const noParams = (): number[] => NO_PARAMS;

/** Defines the unary op with native code `code` (a table entry): returns its function and installs its methods. */
function unaryOp(code: UnaryCode, spec: UnarySpec): (x: Tensor, ...args: any[]) => Tensor {
  if (UNARY_TABLE.has(code)) throw new FlintError(`elementwise: unary op ${code} has two entries`);
  const e: UnaryEntry = { ...spec, code, name: spec.name ?? code, params0: [UNARY[code]] };
  UNARY_TABLE.set(code, e);
  const params = e.params ?? noParams, name = e.name;
  // every form refuses an argument beyond those it declares (one comparison per call); a boolean
  // there is most likely PyTorch's `inplace`
  const n = e.args?.length ?? 0, mArgs = (e.args ?? []).join(', '), fArgs = n ? `input, ${mArgs}` : 'input';
  const hint = (args: ArrayLike<unknown>, at: number): string => (typeof args[at] !== 'boolean' ? ''
    : e.inplace ? ` (for PyTorch's inplace=True, use x.${name}_())` : ` (flintml has no in-place ${name})`);
  // the scalar arguments are numbers (clamp's bounds may be booleans, as Python's); anything else
  // is refused here, before the native call would convert it (a Symbol there threw a TypeError)
  const scalars = (a: unknown, b: unknown): void => {
    [a, b].slice(0, n).forEach((v, i) => {
      if (v !== undefined && v !== null && typeof v !== 'number' && typeof v !== 'boolean') throw new ValueError(`${name}: ${e.args![i]} must be a number, got ${describeArg(v)}`);
    });
  };
  const fn = function (x: Tensor, a?: unknown, b?: unknown): Tensor {
    if (arguments.length > n + 1) tooManyArgs(name, fArgs, arguments, hint(arguments, n + 1));
    scalars(a, b);
    return unary(e, x, params(a, b));
  };
  Object.defineProperty(fn, 'name', { value: name });
  if (e.method !== false) {
    (P as any)[name] = function (this: Tensor, a?: unknown, b?: unknown) {
      if (arguments.length > n) tooManyArgs(name, mArgs, arguments, hint(arguments, n));
      scalars(a, b);
      return unary(e, this, params(a, b));
    };
  }
  if (e.inplace) {
    (P as any)[name + '_'] = function (this: Tensor, a?: unknown, b?: unknown) {
      if (arguments.length > n) tooManyArgs(`${name}_`, mArgs, arguments);
      scalars(a, b);
      return unary(e, this, params(a, b), this);
    };
  }
  return fn;
}

function unary(e: UnaryEntry, x: Tensor, params: number[], out?: Tensor): Tensor {
  const name = e.name, kind = e.dtype;
  if (!(x instanceof Tensor)) throw new ValueError(`${String(name)}: expected a Tensor, got ${x === null ? 'null' : typeof x}`);
  if (isComplexTensor(x)) return complexHook('unary', name, x.dtype)(name, x, out);
  let dt = x.dtype;
  if (kind === 'float' && !isFloating(dt)) dt = getDefaultDtype();
  if (kind === 'numeric' && dt === 'bool') dt = 'int32';
  if (kind === 'signed' && dt === 'bool') throw new DTypeError(`${String(name)}: not supported for bool tensors${name === 'neg' ? '; use logicalNot' : ''}`);
  if (e.check) e.check(x);
  const outDt: DType = kind === 'bool' ? 'bool' : dt;
  const temps: Tensor[] = [];
  const p = params.length === 0 ? e.params0 : [UNARY[e.code], ...params];
  if (out) {
    checkInplace(out, name + '_');
    if (outDt !== out.dtype) {
      if (categoryOf(outDt) > categoryOf(out.dtype)) throw new DTypeError(`${String(name)}_: result type ${String(outDt)} can't be cast to ${String(out.dtype)}`);
      const tmp = unary(e, x, params);
      try { copyInto(out, tmp, name + '_'); } finally { tmp.dispose(); }
      return out;
    }
    run(UNARY_OP, name + '_', out, [operand(x, dt, x._shape, name, temps)], p, temps);
    return traceState.tracer === null ? out : traced(name + '_', [x], out, (g, [vx]) => lowerUnary(e, g, vx, params, dt));
  }
  const res = emptyTensor(x._shape, outDt, x._storage.device, false, name);
  try {
    const X = operand(x, dt, x._shape, name, temps);
    if (numel(x._shape) > 0) call(UNARY_OP, name, [res, X], p);
  } catch (err) { res.dispose(); throw err; } finally {
    for (let i = 0; i < temps.length; i++) temps[i].dispose();
  }
  if (e.grad && needsGrad(x)) recordUnary(e, e.grad, x, res, params);
  return traceState.tracer === null ? res : traced(name, [x], res, (g, [vx]) => lowerUnary(e, g, vx, params, dt));
}

/** A unary op's ONNX nodes: x cast to the compute dtype (bool for the logical op), then its mapping. */
function lowerUnary(e: UnaryEntry, g: OnnxGraph, vx: TracedValue, params: readonly number[], dt: DType): string {
  if (e.onnx === null) g.unsupported(e.name, 'no ONNX operator computes it');
  const x = g.operand(vx, e.code === 'logicalNot' ? 'bool' : dt);
  return typeof e.onnx === 'string' ? g.op(e.onnx, [x]) : e.onnx(g, x, params, dt);
}

/** A constant of dtype dt holding v (ONNX needs both operands of an op in one dtype). */
function k(g: OnnxGraph, v: number, dt: DType): string { return g.constant(dt, [], [v]); }

function recordUnary(e: UnaryEntry, grad: NonNullable<UnarySpec['grad']>, x: Tensor, y: Tensor, params: number[]): void {
  // save only what the gradient reads (x unless the entry says otherwise, y with usesY)
  const readX = e.usesX !== false, readY = !!e.usesY, xDtype = x.dtype;
  const saved = readX ? (readY ? [x, y] : [x]) : (readY ? [y] : []);
  record(e.name, [x], [y], saved, ([g], sv) => scopeSync(() => {
    const unread = null as unknown as Tensor;
    const r = grad(g!, readX ? sv[0] : unread, readY ? sv[readX ? 1 : 0] : unread, params);
    return [r.dtype === xDtype ? r : r.to(xDtype)];
  }), true);
}

// ---- binary ops: the table ---------------------------------------------------------------------

/** add/sub's `alpha`: PyTorch's keyword, positional (`x.add(y, 2)`) or as an option (`x.add(y, { alpha: 2 })`). */
export type AlphaArg = number | { alpha?: number };

function readAlpha(alpha: unknown, op: string): number | undefined {
  if (alpha === undefined || typeof alpha === 'number') return alpha;
  if (alpha === null || typeof alpha !== 'object' || Array.isArray(alpha)) {
    throw new ValueError(`${op}: alpha must be a number or { alpha }, got ${alpha === null ? 'null' : Array.isArray(alpha) ? 'an array' : typeof alpha}`);
  }
  for (const k of Object.keys(alpha)) if (k !== 'alpha') unknownOption(op, k, ['alpha']);
  const v = (alpha as { alpha?: unknown }).alpha;
  if (v !== undefined && typeof v !== 'number') throw new ValueError(`${op}: alpha must be a number, got ${typeof v}`);
  return v;
}

const NOTHING = [false, false, false] as const;  // a gradient that reads no operand (add, sub)

/** `a + alpha * b` with broadcasting: `fl.add(x, 1)`, `x.add(y)`, `x.add(y, { alpha: 2 })`. */
export const add: AlphaFn = binaryOp('add', { onnx: 'Add', dtype: 'arith', alpha: true, inplace: true, grad: (g) => [g, g], saves: () => NOTHING });
/** `a - alpha * b`: `fl.sub(x, y)`, `fl.sub(x, y, { alpha: 0.5 })`. */
export const sub: AlphaFn = binaryOp('sub', {
  onnx: 'Sub', dtype: 'arith', alpha: true, inplace: true, refuseBool: 'subtraction of bool tensors is not supported; use logicalXor or logicalNot',
  grad: (g, a, b, y, [, needB]) => [g, needB ? neg(g) : null], saves: () => NOTHING,
});
/** Elementwise product: `fl.mul(x, 2)`. */
export const mul: BinaryFn = binaryOp('mul', {
  onnx: 'Mul', dtype: 'arith', inplace: true,
  grad: (g, a, b, y, [needA, needB]) => [needA ? mul(g, b) : null, needB ? mul(g, a) : null], saves: (needA, needB) => [needB, needA, false],
});
/** True division; `div` below adds the rounding modes. */
const trueDiv: BinaryFn = binaryOp('div', {
  onnx: 'Div', dtype: 'float', usesY: true, inplace: true, method: false,
  grad: (g, a, b, y, [needA, needB]) => [needA ? div(g, b) : null, needB ? neg(div(mul(g, y), b)) : null],
  saves: (needA, needB) => [false, true, needB],
});
/** The table entry of pow; the public `pow` below adds torch's keyword `exponent`. */
const powOp: BinaryFn = binaryOp('pow', {
  onnx: 'Pow', dtype: 'arith', usesY: true, inplace: true, other: 'exponent', saves: (needA, needB) => [true, true, needB],
  // as torch: an integer to a negative integer power is refused (it is a fraction, or 1 / 0)
  check: (a, b, dt) => {
    if (!isFloating(dt) && typeof b === 'number' && b < 0) {
      throw new ValueError(`pow: integers to negative integer powers are not allowed (${a instanceof Tensor ? `a ${String(a.dtype)} tensor of shape ${fmt(a._shape)}` : describeArg(a)} to the power ${describeArg(b)}); use a floating base`);
    }
  },
  // As torch's pow_backward: the base's gradient is 0 where the exponent is 0 (not 0 * 0^-1 = NaN at a
  // zero base), the exponent's is 0 where the base is 0 and the exponent >= 0 (not y * log 0 =
  // 0 * -inf); an integer exponent tensor is taken in the result's dtype (a uint8 0 - 1 wrapped to 255).
  grad: (g, a, b, y, [needA, needB]) => {
    const e: TensorLike = b instanceof Tensor && b.dtype !== g.dtype ? b.to(g.dtype) : b;
    const base: TensorLike = a instanceof Tensor && a.dtype !== g.dtype ? a.to(g.dtype) : a;
    let ga: Tensor | null = null;
    if (needA) {
      if (e instanceof Tensor) ga = where(eq(e, 0), 0, mul(g, mul(pow(base, sub(e, 1)), e)));
      else ga = +e === 0 ? zerosLike(g) : mul(g, mul(pow(base, +e - 1), +e));
    }
    let gb: Tensor | null = null;
    if (needB) {
      const zeroBase: TensorLike = base instanceof Tensor ? eq(base, 0) : +base === 0;
      const gy = mul(g, mul(y, base instanceof Tensor ? log(base) : Math.log(+base)));
      gb = zeroBase === false ? gy : where(logicalAnd(zeroBase, ge(e, 0)), 0, gy);
    }
    return [ga, gb];
  },
});
// torch's pow(input, exponent): the exponent positional or keyword (`fl.pow(x, { exponent: 2 })`,
// `x.pow({ exponent: 2 })`); the two-argument call goes straight to the entry
const POW_ARGS = signature('pow', ['input', 'exponent'], { input: required(anyValue<TensorLike>()), exponent: required(anyValue<TensorLike>()) });
/** `a ** b`: `fl.pow(x, 2)`, `fl.pow(2, x)`, `fl.pow(x, { exponent: 2 })`. */
export function pow(input: TensorLike, exponent: TensorLike): Tensor;
export function pow(input: TensorLike, options: { exponent: TensorLike }): Tensor;
export function pow(input: TensorLike, exponent?: unknown): Tensor {
  if (arguments.length === 2 && !isPlainObject(exponent)) return powOp(input, exponent as TensorLike);
  const o = POW_ARGS.parse(arguments as unknown as unknown[]);
  return powOp(o.input, o.exponent);
}
P.pow = function (this: Tensor, ...a: unknown[]) { return (pow as (...b: unknown[]) => Tensor)(this, ...a); } as Tensor['pow'];
/** Elementwise maximum (NaN propagates). */
export const maximum: BinaryFn = binaryOp('maximum', { onnx: 'Max', dtype: 'arith', grad: (g, a, b) => extremumGrad(g, gt(a, b), eq(a, b)) });
/** Elementwise minimum (NaN propagates). */
export const minimum: BinaryFn = binaryOp('minimum', { onnx: 'Min', dtype: 'arith', grad: (g, a, b) => extremumGrad(g, lt(a, b), eq(a, b)) });
/** Python-style remainder (sign of the divisor): `fl.remainder(fl.tensor([-3]), 2) // [1]`. */
export const remainder: BinaryFn = binaryOp('remainder', {
  // Python's remainder (the divisor's sign): ONNX Mod with fmod=0 for integers, a - floor(a / b)·b for floats
  onnx: (g, a, b, dt) => (isFloating(dt) ? g.op('Sub', [a, g.op('Mul', [g.op('Floor', [g.op('Div', [a, b])]), b])]) : g.op('Mod', [a, b], { fmod: 0 })),
  dtype: 'arith', grad: (g, a, b, y, [, needB]) => [g, needB ? mul(neg(g), floorDivide(a, b)) : null], saves: (needA, needB) => [needB, needB, false] });
/** Floor of a / b. */
export const floorDivide: BinaryFn = binaryOp('floorDivide', {
  onnx: (g, a, b, dt) => (isFloating(dt) ? g.op('Floor', [g.op('Div', [a, b])]) : g.unsupported('floorDivide', 'integer floor division (ONNX Div truncates)')),
  dtype: 'arith', saves: () => [false, false, false],
  // as torch.div(..., rounding_mode='floor'): a step in a and b, so zero gradients
  grad: (g, a, b, y, [needA, needB]) => [needA ? zerosLike(g) : null, needB ? zerosLike(g) : null] });
/**
 * ONNX has no atan2: atan(y/x), moved by ±π where x is negative (−0 included), with the signs of
 * zeros read through 1/v; both zero gives y itself (±0) before the move, both infinite the signs.
 */
function atan2Onnx(g: OnnxGraph, y: string, x: string, dt: DType): string {
  const zero = k(g, 0, dt);
  const isInf = (v: string) => g.op('IsInf', [v]);
  const bothInf = g.op('And', [isInf(y), isInf(x)]);
  const yy = g.op('Where', [bothInf, g.op('Sign', [y]), y]), xx = g.op('Where', [bothInf, g.op('Sign', [x]), x]);
  const bothZero = g.op('And', [g.op('Equal', [yy, zero]), g.op('Equal', [xx, zero])]);
  const base = g.op('Where', [bothZero, yy, g.op('Atan', [g.op('Div', [yy, xx])])]);
  const negative = (v: string) => g.op('Or', [g.op('Less', [v, zero]), g.op('Less', [g.op('Reciprocal', [v]), zero])]);   // −0 too
  const turn = g.op('Where', [negative(yy), k(g, -Math.PI, dt), k(g, Math.PI, dt)]);
  return g.op('Where', [negative(xx), g.op('Add', [base, turn]), base]);
}

/** atan2(a, b) elementwise. */
export const atan2: BinaryFn = binaryOp('atan2', {
  onnx: atan2Onnx, dtype: 'float',
  grad: (g, a, b, y, [needA, needB]) => {
    // an integer operand in the gradient's dtype: its square and negation wrapped in uint8
    const fa = a instanceof Tensor && a.dtype !== g.dtype ? a.to(g.dtype) : a, fb = b instanceof Tensor && b.dtype !== g.dtype ? b.to(g.dtype) : b;
    const den = add(sq(fa), sq(fb));
    return [needA ? div(mul(g, fb), den) : null, needB ? div(mul(neg(g), fa), den) : null];
  },
});
// torch.special.zeta(x, q), the Hurwitz zeta function: differentiable in q only, as in torch
// (∂/∂q ζ(x, q) = −x·ζ(x+1, q)); fl.special exports it
/** the Hurwitz zeta function Σ_k (q + k)^−x, torch.special.zeta(x, q): `fl.special.zeta(2, q)` */
const zeta: BinaryFn = binaryOp('zeta', {
  onnx: null, dtype: 'float', method: false, other: 'other',
  grad: (g, a, b, y, [needA, needB]) => {
    if (needA) throw new AutogradError('zeta: the derivative with respect to input (the exponent x) is not implemented, as in torch; detach it');
    if (!needB) return [null, null];
    const s1 = a instanceof Tensor ? add(a, 1) : +a + 1, negS = a instanceof Tensor ? neg(a.dtype === g.dtype ? a : a.to(g.dtype)) : -a;
    return [null, mul(g, mul(zeta(s1, b), negS))];
  },
});
// torch.special.gammainc(a, x) / gammaincc(a, x), the regularized incomplete gamma functions P and Q:
// two tensors (torch takes no number), not both integer (torch's igamma has no integer kernel);
// differentiable in x only, as in torch (∂P/∂x = −∂Q/∂x = x^(a−1) e^(−x) / Γ(a))
function checkIgamma(op: string): (a: TensorLike, b: TensorLike) => void {
  return (a, b) => {
    if (!(a instanceof Tensor) || !(b instanceof Tensor)) throw new ValueError(`${op}: input and other must be Tensors (as torch), got ${describeArg(a instanceof Tensor ? b : a)}`);
    const rt = resultType(promoteArg(a), promoteArg(b));
    if (!isFloating(rt)) throw new DTypeError(`${op}: not implemented for ${String(rt)} operands (as torch's igamma); use a floating dtype`);
  };
}
function igammaGrad(op: string, sign: number): NonNullable<BinarySpec['grad']> {
  return (g, a, b, y, [needA, needB]) => {
    if (needA) throw new AutogradError(`${op}: the derivative with respect to input (a) is not implemented, as in torch; detach it`);
    if (!needB) return [null, null];
    const A = a as Tensor, X = b as Tensor;
    const fa = A.dtype === g.dtype ? A : A.to(g.dtype);
    return [null, mul(g, mul(exp(sub(sub(mul(sub(fa, 1), log(X)), X), lgamma(fa))), sign))];
  };
}
/** P(a, x) = γ(a, x)/Γ(a), torch.special.gammainc: `fl.special.gammainc(a, x)` */
const gammainc: BinaryFn = binaryOp('gammainc', { onnx: null, dtype: 'float', method: false, check: checkIgamma('gammainc'), grad: igammaGrad('gammainc', 1) });
/** Q(a, x) = Γ(a, x)/Γ(a) = 1 − P(a, x), torch.special.gammaincc: `fl.special.gammaincc(a, x)` */
const gammaincc: BinaryFn = binaryOp('gammaincc', { onnx: null, dtype: 'float', method: false, check: checkIgamma('gammaincc'), grad: igammaGrad('gammaincc', -1) });
// torch's integer ops (lib/ops/bitwise.ts exports them with their docs): integer and bool operands
// only (bool: the bitwise and/or/xor, logical), no gradient (torch: not differentiable).
function checkIntegral(op: string, allowBool: boolean, tensorsOnly = false): (a: TensorLike, b: TensorLike, dt: DType) => void {
  return (a, b, dt) => {
    if (tensorsOnly && (!(a instanceof Tensor) || !(b instanceof Tensor))) throw new ValueError(`${op}: input and other must be Tensors (as torch), got ${describeArg(a instanceof Tensor ? b : a)}`);
    if (isFloating(dt) || (!allowBool && dt === 'bool')) throw new DTypeError(`${op}: not implemented for ${String(dt)} operands (torch's ${op} takes ${allowBool ? 'integers and bool' : 'integers'})`);
  };
}
const bitwiseAnd: BinaryFn = binaryOp('bitwiseAnd', { onnx: bitwiseOnnx('bitwiseAnd', 'And', 'BitwiseAnd'), dtype: 'arith', inplace: true, grad: null, check: checkIntegral('bitwiseAnd', true) });
const bitwiseOr: BinaryFn = binaryOp('bitwiseOr', { onnx: bitwiseOnnx('bitwiseOr', 'Or', 'BitwiseOr'), dtype: 'arith', inplace: true, grad: null, check: checkIntegral('bitwiseOr', true) });
const bitwiseXor: BinaryFn = binaryOp('bitwiseXor', { onnx: bitwiseOnnx('bitwiseXor', 'Xor', 'BitwiseXor'), dtype: 'arith', inplace: true, grad: null, check: checkIntegral('bitwiseXor', true) });
const bitwiseLeftShift: BinaryFn = binaryOp('bitwiseLeftShift', { onnx: shiftOnnx(true), dtype: 'arith', inplace: true, grad: null, check: checkIntegral('bitwiseLeftShift', false) });
const bitwiseRightShift: BinaryFn = binaryOp('bitwiseRightShift', { onnx: shiftOnnx(false), dtype: 'arith', inplace: true, grad: null, check: checkIntegral('bitwiseRightShift', false) });
const gcd: BinaryFn = binaryOp('gcd', { onnx: null, dtype: 'arith', inplace: true, grad: null, check: checkIntegral('gcd', false, true) });
const lcm: BinaryFn = binaryOp('lcm', { onnx: null, dtype: 'arith', inplace: true, grad: null, check: checkIntegral('lcm', false, true) });
// torch.nextafter: float32, float64 and bfloat16 tensors (torch 1.13 has no float16 or integer
// kernel, and takes no number); it records a node whose backward fails, as torch 1.13's
// (derivatives.yaml: not_implemented)
const nextafter: BinaryFn = binaryOp('nextafter', {
  onnx: null, dtype: 'arith', inplace: true,
  check: (a, b, dt) => {
    if (!(a instanceof Tensor) || !(b instanceof Tensor)) throw new ValueError(`nextafter: input and other must be Tensors (as torch), got ${describeArg(a instanceof Tensor ? b : a)}`);
    if (dt !== 'float32' && dt !== 'float64' && dt !== 'bfloat16') throw new DTypeError(`nextafter: not implemented for ${String(dt)} operands (torch's nextafter takes float32, float64 and bfloat16)`);
  },
  grad: () => { throw new AutogradError('nextafter: the derivative is not implemented (as in torch 1.13); detach the inputs'); },
  saves: () => [false, false, false],
});
/** @internal torch's integer and bit-level elementwise rows: lib/ops/bitwise.ts exports them with their docs. */
export const BITWISE_ROWS = Object.freeze({ bitwiseAnd, bitwiseOr, bitwiseXor, bitwiseLeftShift, bitwiseRightShift, gcd, lcm, nextafter });
/** `a == b` → bool tensor. */
export const eq: BinaryFn = binaryOp('eq', { onnx: 'Equal', dtype: 'compare', grad: null });
/** `a != b` → bool tensor. */
export const ne: BinaryFn = binaryOp('ne', { onnx: (g, a, b) => g.op('Not', [g.op('Equal', [a, b])]), dtype: 'compare', grad: null });
/** `a < b` → bool tensor. */
export const lt: BinaryFn = binaryOp('lt', { onnx: 'Less', dtype: 'compare', grad: null });
/** `a <= b` → bool tensor. */
export const le: BinaryFn = binaryOp('le', { onnx: 'LessOrEqual', dtype: 'compare', grad: null });
/** `a > b` → bool tensor. */
export const gt: BinaryFn = binaryOp('gt', { onnx: 'Greater', dtype: 'compare', grad: null });
/** `a >= b` → bool tensor. */
export const ge: BinaryFn = binaryOp('ge', { onnx: 'GreaterOrEqual', dtype: 'compare', grad: null });
/** Elementwise logical and (nonzero is true) → bool tensor. */
export const logicalAnd: BinaryFn = binaryOp('logicalAnd', { onnx: 'And', dtype: 'logical', grad: null });
/** Elementwise logical or → bool tensor. */
export const logicalOr: BinaryFn = binaryOp('logicalOr', { onnx: 'Or', dtype: 'logical', grad: null });
/** Elementwise logical xor → bool tensor. */
export const logicalXor: BinaryFn = binaryOp('logicalXor', { onnx: 'Xor', dtype: 'logical', grad: null });

/** maximum/minimum's gradient: to the winner, split evenly on ties. */
function extremumGrad(g: Tensor, win: Tensor, tie: Tensor): [Tensor, Tensor] {
  const half = mul(g, 0.5);
  return [where(win, g, where(tie, half, 0)), where(win, 0, where(tie, half, g))];
}

/** Zeros shaped and typed as t: the gradient of a step function (floor, round, sign, …), as torch's zeros_like(grad). */
/** A zero gradient in t's shape (step functions): constant, so createGraph takes it as it is. */
function zerosLike(t: Tensor): Tensor { return markZeroGradient(emptyTensor(t._shape, t.dtype, t._storage.device, true, 'backward')); }
/** A tensor operand outside the graph (a view), a number as it is: ops computed here and recorded as one node. */
const detached = <T extends TensorLike | undefined>(v: T): T => (v instanceof Tensor ? v.detach() as T : v);

function sq(v: TensorLike): TensorLike { return v instanceof Tensor ? mul(v, v) : (+v) * (+v); }

/**
 * True division (integers divide as float32), or with `roundingMode` `'floor'` / `'trunc'`:
 * `fl.div(x, 2)`, `fl.div(x, 3, 'floor')`.
 */
export function div(input: TensorLike, other: TensorLike, ...args: ArgsThenOptions<[roundingMode: RoundingMode], { roundingMode?: RoundingMode }>): Tensor;
/** torch's keywords: `fl.div(x, { other: 2, roundingMode: 'floor' })`. */
export function div(input: TensorLike, options: { other: TensorLike; roundingMode?: RoundingMode }): Tensor;
export function div(): Tensor {
  const { input: a, other: b, roundingMode } = DIV_ARGS.parse(arguments as unknown as unknown[]);
  if ((isComplexTensor(a) || isComplexTensor(b)) && roundingMode != null) throw new DTypeError(`div: rounding mode ${describeArg(roundingMode)} is not supported for complex tensors`);
  if (roundingMode === 'floor') return floorDivide(a, b);
  if (roundingMode === 'trunc') {
    const dt = resultType(promoteArg(asTensorArg(a, 'div')), promoteArg(asTensorArg(b, 'div')));
    // Integers divide exactly, as torch's: floor division (which refuses a zero divisor, where the
    // float quotient's trunc gave inf cast to an integer) plus one where the quotient is negative
    // and inexact; through float32 an int32 above 2^24 lost its low bits.
    if (!isFloating(dt) && dt !== 'bool') {
      return scopeSync(() => {
        let q: Tensor;
        try { q = floorDivide(a, b); } catch (e) {
          if (e instanceof ValueError && /division by zero/.test(e.message)) throw new ValueError(`div: integer division by zero (roundingMode 'trunc', ${String(dt)} operands)`);
          throw e;
        }
        const isNeg = (v: TensorLike): TensorLike => (v instanceof Tensor ? lt(v, 0) : +v < 0);
        const inexact = ne(remainder(a, b), 0), negative = logicalXor(isNeg(a), isNeg(b));
        return add(q, logicalAnd(inexact, negative));
      });
    }
    // one node with zero gradients (torch's): composed, trueDiv's backward turned trunc's zero
    // gradient into 0 / 0 = NaN at a zero divisor
    const r = scopeSync(() => {
      const t = trunc(trueDiv(detached(a), detached(b)));
      return dt === t.dtype ? t : toDType(t, dt);
    });
    if (needsGrad(a, b)) {
      const zeroFor = (v: TensorLike) => (v instanceof Tensor && v._requiresGrad ? zerosLike(v) : null);
      record('div', [a, b], [r], [], () => [zeroFor(a), zeroFor(b)]);
    }
    return r;
  }
  if (roundingMode !== undefined && roundingMode !== null) throw new ValueError(`div: roundingMode must be 'floor', 'trunc', null or undefined, got ${describeArg(roundingMode)}`);
  return trueDiv(a, b);
}
function toDType(t: Tensor, dt: DType): Tensor { return contiguousCopy(t, 'div', dt); }
/** div's rounding: none (true division), `'floor'` or `'trunc'`. */
export type RoundingMode = 'floor' | 'trunc' | null;
// torch's div(input, other, *, rounding_mode=None) (roundingMode positional too, as flintml always took it); checked by div
const DIV_ARGS = signature('div', ['input', 'other', 'roundingMode'], { input: required(anyValue<TensorLike>()), other: optional(anyValue<TensorLike>()) as Param<TensorLike>, roundingMode: optional(anyValue<RoundingMode>()) });
P.div = function (this: Tensor, ...a: unknown[]) { return (div as (...b: unknown[]) => Tensor)(this, ...a); } as Tensor['div'];

// ---- unary ops: the table ----------------------------------------------------------------------

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** `-x` */ export const neg: UnaryFn = unaryOp('neg', { usesX: false, onnx: 'Neg', dtype: 'signed', inplace: true, grad: (g) => neg(g) });
/** `|x|` */ export const abs: UnaryFn = unaryOp('abs', { onnx: 'Abs', dtype: 'signed', inplace: true, grad: (g, x) => mul(g, sign(x)) });
/** -1, 0 or 1 by the sign of x. */ export const sign: UnaryFn = unaryOp('sign', { onnx: 'Sign', dtype: 'same', usesX: false, grad: zerosLike });
/** e^x */ export const exp: UnaryFn = unaryOp('exp', { usesX: false, onnx: 'Exp', dtype: 'float', usesY: true, inplace: true, grad: (g, x, y) => mul(g, y) });
/** 2^x */ export const exp2: UnaryFn = unaryOp('exp2', { usesX: false, onnx: (g, x, p, dt) => g.op('Pow', [k(g, 2, dt), x]), dtype: 'float', usesY: true, grad: (g, x, y) => mul(g, mul(y, Math.LN2)) });
/** natural log */ export const log: UnaryFn = unaryOp('log', { onnx: 'Log', dtype: 'float', inplace: true, grad: (g, x) => div(g, x) });
/** log base 2 */ export const log2: UnaryFn = unaryOp('log2', { onnx: (g, x, p, dt) => g.op('Div', [g.op('Log', [x]), k(g, Math.LN2, dt)]), dtype: 'float', grad: (g, x) => div(g, mul(x, Math.LN2)) });
/** log base 10 */ export const log10: UnaryFn = unaryOp('log10', { onnx: (g, x, p, dt) => g.op('Div', [g.op('Log', [x]), k(g, Math.LN10, dt)]), dtype: 'float', grad: (g, x) => div(g, mul(x, Math.LN10)) });
/** log(1 + x), accurate near 0 */ export const log1p: UnaryFn = unaryOp('log1p', { onnx: (g, x, p, dt) => g.op('Log', [g.op('Add', [x, k(g, 1, dt)])]), dtype: 'float', grad: (g, x) => div(g, add(x, 1)) });
/** e^x - 1, accurate near 0 */ export const expm1: UnaryFn = unaryOp('expm1', { usesX: false, onnx: (g, x, p, dt) => g.op('Sub', [g.op('Exp', [x]), k(g, 1, dt)]), dtype: 'float', usesY: true, grad: (g, x, y) => mul(g, add(y, 1)) });
/** square root */ export const sqrt: UnaryFn = unaryOp('sqrt', { usesX: false, onnx: 'Sqrt', dtype: 'float', usesY: true, inplace: true, grad: (g, x, y) => div(g, mul(y, 2)) });
/** 1 / sqrt(x) */ export const rsqrt: UnaryFn = unaryOp('rsqrt', { usesX: false, onnx: (g, x) => g.op('Reciprocal', [g.op('Sqrt', [x])]), dtype: 'float', usesY: true, grad: (g, x, y) => mul(g, mul(pow(y, 3), -0.5)) });
/** x * x */ export const square: UnaryFn = unaryOp('square', { onnx: (g, x) => g.op('Mul', [x, x]), dtype: 'numeric', grad: (g, x) => mul(g, mul(x, 2)) });
/** sine */ export const sin: UnaryFn = unaryOp('sin', { onnx: 'Sin', dtype: 'float', grad: (g, x) => mul(g, cos(x)) });
/** cosine */ export const cos: UnaryFn = unaryOp('cos', { onnx: 'Cos', dtype: 'float', grad: (g, x) => neg(mul(g, sin(x))) });
/** tangent */ export const tan: UnaryFn = unaryOp('tan', { usesX: false, onnx: 'Tan', dtype: 'float', usesY: true, grad: (g, x, y) => mul(g, add(square(y), 1)) });
/** arcsine */ export const asin: UnaryFn = unaryOp('asin', { onnx: 'Asin', dtype: 'float', grad: (g, x) => div(g, sqrt(sub(1, square(x)))) });
/** arccosine */ export const acos: UnaryFn = unaryOp('acos', { onnx: 'Acos', dtype: 'float', grad: (g, x) => neg(div(g, sqrt(sub(1, square(x))))) });
/** inverse hyperbolic sine, as `torch.asinh`: `fl.asinh(x)` */ export const asinh: UnaryFn = unaryOp('asinh', { onnx: 'Asinh', dtype: 'float', grad: (g, x) => div(g, sqrt(add(square(x), 1))) });
/** inverse hyperbolic cosine, as `torch.acosh` (NaN below 1): `fl.acosh(x)` */ export const acosh: UnaryFn = unaryOp('acosh', { onnx: 'Acosh', dtype: 'float', grad: (g, x) => div(g, sqrt(sub(square(x), 1))) });
/** inverse hyperbolic tangent, as `torch.atanh` (±inf at ±1): `fl.atanh(x)` */ export const atanh: UnaryFn = unaryOp('atanh', { onnx: 'Atanh', dtype: 'float', grad: (g, x) => div(g, sub(1, square(x))) });
/** arctangent */ export const atan: UnaryFn = unaryOp('atan', { onnx: 'Atan', dtype: 'float', grad: (g, x) => div(g, add(square(x), 1)) });
/** hyperbolic sine */ export const sinh: UnaryFn = unaryOp('sinh', { onnx: 'Sinh', dtype: 'float', grad: (g, x) => mul(g, cosh(x)) });
/** hyperbolic cosine */ export const cosh: UnaryFn = unaryOp('cosh', { onnx: 'Cosh', dtype: 'float', grad: (g, x) => mul(g, sinh(x)) });
/** hyperbolic tangent */ export const tanh: UnaryFn = unaryOp('tanh', { usesX: false, onnx: 'Tanh', dtype: 'float', usesY: true, inplace: true, grad: (g, x, y) => mul(g, sub(1, square(y))) });
/** 1 / (1 + e^-x) */ export const sigmoid: UnaryFn = unaryOp('sigmoid', { usesX: false, onnx: 'Sigmoid', dtype: 'float', usesY: true, inplace: true, grad: (g, x, y) => mul(g, mul(y, sub(1, y))) });
// relu's gradient, g where x > 0 and 0 elsewhere, is one native pass over g and x (PyTorch's
// threshold_backward; composed it was gt and where, with a bool mask written and read between them).
// The op's own gradient (a double backward): d/dg = the op again; d/dx is 0 wherever it exists (a
// step in x), so none is returned (as floor's and sign's), which autograd and gradcheck take as zeros.
const reluBackwardOp = binaryOp('reluBackward', { dtype: 'float', method: false, onnx: null,
  grad: (gg, g, x, y, [needG]) => [needG ? reluBackwardOp(gg, x) : null, null],
});
/** @internal 0 where x <= 0 and g elsewhere (a NaN x passes g, as torch's): relu's gradient for the gradient g of its output, in one native pass. */
export function reluBackward(g: Tensor, x: Tensor): Tensor {
  if (arguments.length > 2) tooManyArgs('reluBackward', 'grad, input', arguments);
  return reluBackwardOp(g, x);
}
/** max(x, 0) */ export const relu: UnaryFn = unaryOp('relu', { onnx: 'Relu', dtype: 'signed', inplace: true, grad: (g, x) => reluBackwardOp(g, x) });
const leakyReluOp: (x: Tensor, negativeSlope?: number) => Tensor = unaryOp('leakyRelu', { onnx: (g, x, [slope]) => g.op('LeakyRelu', [x], { alpha: { f: slope } }),
  dtype: 'float', method: false, args: ['negativeSlope'], params: (negativeSlope = 0.01) => [negativeSlope], grad: (g, x, y, [slope]) => where(gt(x, 0), g, mul(g, slope)),
});
// torch's leaky_relu(input, negative_slope=0.01): positional or keyword (`F.leakyRelu(x, { negativeSlope: 0.2 })`);
// the slope is checked by the op. (torch's `inplace=True` is F.leakyRelu_ here.)
const LEAKY_RELU_ARGS = signature('leakyRelu', ['input', 'negativeSlope'], { input: required(anyValue<Tensor>()), negativeSlope: optional(anyValue<number>(), 0.01) });
/** x if x > 0 else negativeSlope * x: `fl.leakyRelu(x, 0.2)`, `F.leakyRelu(x, { negativeSlope: 0.2 })`. */
export function leakyRelu(input: Tensor, ...args: ArgsThenOptions<[negativeSlope: number], { negativeSlope?: number }>): Tensor {
  const { input: x, negativeSlope } = LEAKY_RELU_ARGS.parse(arguments as unknown as unknown[]);
  return leakyReluOp(x, negativeSlope);
}
P.leakyRelu = function (this: Tensor, ...a: unknown[]) { return (leakyRelu as (...b: unknown[]) => Tensor)(this, ...a); };
/** log(1 + e^x) (beta 1, threshold 20, as torch.nn.functional.softplus) */
export const softplus: UnaryFn = unaryOp('softplus', { onnx: 'Softplus', dtype: 'float', grad: (g, x) => where(gt(x, 20), g, mul(g, sigmoid(x))) });
// GELU's gradient g·gelu'(x) is one native pass each (PyTorch's gelu_backward; composed it was ~9
// elementwise passes over the activation). Their own gradients (the double backward, as PyTorch's
// gelu_double_backward) are composed: d/dg = gelu'(x), the same op again; d/dx = g·gelu''(x).
const geluBackwardErf = binaryOp('geluBackward', { dtype: 'float', method: false, onnx: null,
  grad: (gg, g, x, y, [needG, needX]) => [
    needG ? geluBackwardErf(gg, x) : null,
    needX ? mul(mul(gg, g), mul(exp(mul(square(x as Tensor), -0.5)), mul(sub(2, square(x as Tensor)), 1 / Math.sqrt(2 * Math.PI)))) : null,  // φ(x)(2 - x²)
  ],
});
const geluBackwardTanh = binaryOp('geluTanhBackward', { dtype: 'float', method: false, onnx: null,
  grad: (gg, g, x, y, [needG, needX]) => {
    if (!needX) return [needG ? geluBackwardTanh(gg, x) : null, null];
    // t = tanh(k(x + κx³)), d = k(1 + 3κx²) its argument's derivative: gelu'' = (1 - t²)(d + x/2·(6kκx - 2t·d²))
    const xt = x as Tensor, x2 = square(xt);
    const t = tanh(mul(add(xt, mul(mul(x2, xt), 0.044715)), SQRT_2_OVER_PI));
    const d = mul(add(mul(x2, 3 * 0.044715), 1), SQRT_2_OVER_PI);
    const inner = add(d, mul(mul(xt, 0.5), sub(mul(xt, 6 * 0.044715 * SQRT_2_OVER_PI), mul(mul(t, 2), square(d)))));
    return [needG ? geluBackwardTanh(gg, x) : null, mul(mul(gg, g), mul(sub(1, square(t)), inner))];
  },
});
/** @internal g·gelu'(x), gelu's gradient for the gradient g of its output, in one native pass (`'none'` or `'tanh'`). */
export function geluBackward(g: Tensor, x: Tensor, approximate: 'none' | 'tanh' = 'none'): Tensor {
  if (arguments.length > 3) tooManyArgs('geluBackward', 'grad, input, approximate', arguments);
  if (approximate !== 'none' && approximate !== 'tanh') throw new ValueError(`geluBackward: approximate must be 'none' or 'tanh', got ${describeArg(approximate)}`);
  return approximate === 'tanh' ? geluBackwardTanh(g, x) : geluBackwardErf(g, x);
}
const geluErf: UnaryFn = unaryOp('gelu', { onnx: (g, x, p, dt) => g.op('Mul', [g.op('Mul', [x, k(g, 0.5, dt)]), g.op('Add', [g.op('Erf', [g.op('Mul', [x, k(g, Math.SQRT1_2, dt)])]), k(g, 1, dt)])]),
  dtype: 'float', method: false, grad: (g, x) => geluBackwardErf(g, x),
});
const geluTanh: UnaryFn = unaryOp('geluTanh', {
  onnx: (g, x, p, dt) => {  // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
    const inner = g.op('Mul', [g.op('Add', [x, g.op('Mul', [g.op('Mul', [g.op('Mul', [x, x]), x]), k(g, 0.044715, dt)])]), k(g, SQRT_2_OVER_PI, dt)]);
    return g.op('Mul', [g.op('Mul', [x, k(g, 0.5, dt)]), g.op('Add', [g.op('Tanh', [inner]), k(g, 1, dt)])]);
  },
  dtype: 'float', name: 'gelu', method: false, grad: (g, x) => geluBackwardTanh(g, x),
});
/** x * sigmoid(x) */
export const silu: UnaryFn = unaryOp('silu', { onnx: (g, x) => g.op('Mul', [x, g.op('Sigmoid', [x])]), dtype: 'float', grad: (g, x) => { const s = sigmoid(x); return mul(g, mul(s, add(mul(x, sub(1, s)), 1))); } });
/** x · min(max(x + 3, 0), 6) / 6, as torch.nn.functional.hardswish (gradient 0 below -3, x/3 + 1/2 up to 3, then 1) */
export const hardswish: UnaryFn = unaryOp('hardswish', { onnx: 'HardSwish', dtype: 'float', grad: (g, x) => mul(g, where(lt(x, -3), 0, where(le(x, 3), add(div(x, 3), 0.5), 1))) });
/** error function */ export const erf: UnaryFn = unaryOp('erf', { onnx: 'Erf', dtype: 'float', grad: (g, x) => mul(g, mul(exp(neg(square(x))), 2 / Math.sqrt(Math.PI))) });
// the special functions (native/core/special.h, computed in double); their gradients are written
// with these ops, so second derivatives flow (lgamma'' = polygamma(1), …). A float16/bfloat16 input's
// gradient is computed in float32 (torch's opmath) and rounded once: its intermediate values
// (polygamma(n+1, x), 2x·erfcx(x)) overflow float16 long before the product with g does.
type UnaryGrad = NonNullable<UnarySpec['grad']>;
const opmathGrad = (f: UnaryGrad): UnaryGrad => (g, x, y, p) => {
  const up = (t: Tensor): Tensor => (t && (t.dtype === 'float16' || t.dtype === 'bfloat16') ? t.to('float32') : t);
  return f(up(g), up(x), up(y), p);
};
/** The machine epsilon of a float dtype (torch's numeric_limits<scalar_t>::epsilon() in i1's and i1e's gradients). */
const epsOf = (dt: DType): number => (dt === 'float64' ? 2 ** -52 : dt === 'float16' ? 2 ** -10 : dt === 'bfloat16' ? 2 ** -7 : 2 ** -23);
/** log|Γ(x)|, as torch.lgamma: `fl.lgamma(x)` */ export const lgamma: UnaryFn = unaryOp('lgamma', { onnx: lgammaOnnx, dtype: 'float', inplace: true, grad: opmathGrad((g, x) => mul(g, digamma(x))) });
/** ψ(x) = d/dx log Γ(x), as torch.digamma: `fl.digamma(x)` */ export const digamma: UnaryFn = unaryOp('digamma', { onnx: digammaOnnx, dtype: 'float', inplace: true, grad: opmathGrad((g, x) => mul(g, polygammaOp(x, 1))) });
const polygammaOp: (x: Tensor, n: number) => Tensor = unaryOp('polygamma', { onnx: null, dtype: 'float', method: false, args: ['n'],
  params: (n: number) => [checkPolygammaN(n)], grad: opmathGrad((g, x, y, [n]) => mul(g, polygammaOp(x, n + 1))) });
/** erfc(x) = 1 − erf(x), accurate where erf(x) is near 1: `fl.erfc(x)` */ export const erfc: UnaryFn = unaryOp('erfc', { onnx: (g, x, p, dt) => g.op('Sub', [k(g, 1, dt), g.op('Erf', [x])]), dtype: 'float', inplace: true, grad: opmathGrad((g, x) => mul(g, mul(exp(neg(square(x))), -2 / Math.sqrt(Math.PI)))) });
/** the inverse of erf on (−1, 1): `fl.erfinv(x)` */ export const erfinv: UnaryFn = unaryOp('erfinv', { onnx: erfinvOnnx, dtype: 'float', inplace: true, usesX: false, usesY: true, grad: opmathGrad((g, x, y) => mul(g, mul(exp(square(y)), Math.sqrt(Math.PI) / 2))) });
/** the modified Bessel function of the first kind of order 0, as torch.i0: `fl.i0(x)` */ export const i0: UnaryFn = unaryOp('i0', { onnx: i0Onnx, dtype: 'float', inplace: true, grad: opmathGrad((g, x) => mul(g, i1(x))) });
/** e^(−|x|)·I0(x), torch.special.i0e: `fl.special.i0e(x)` */
const i0e: UnaryFn = unaryOp('i0e', { onnx: null, dtype: 'float', usesY: true, grad: opmathGrad((g, x, y) => mul(g, sub(i1e(x), mul(sign(x), y)))) });
// i1' = i0 − i1/x and i1e' = i0e − i1e·(sign(x) + 1/x), with torch's guard: 1/2 where |x| <= eps (and
// at NaN), and a safe eps in the branch not taken, so that no 0/0 reaches the second derivative
// (i1 and erfcx recompute their value from x in float32: a float16 output overflows first)
/** the modified Bessel function of the first kind of order 1, torch.special.i1: `fl.special.i1(x)` */
const i1: UnaryFn = unaryOp('i1', { onnx: null, dtype: 'float', grad: opmathGrad((g, x) => {
  const eps = epsOf(x.dtype), big = gt(abs(x), eps), xs = where(big, x, eps);
  return mul(g, where(big, sub(i0(xs), div(i1(xs), xs)), 0.5));
}) });
/** e^(−|x|)·I1(x), torch.special.i1e: `fl.special.i1e(x)` */
const i1e: UnaryFn = unaryOp('i1e', { onnx: null, dtype: 'float', usesY: true, grad: opmathGrad((g, x, y) => {
  const eps = epsOf(x.dtype), big = gt(abs(x), eps), xs = where(big, x, eps);
  return mul(g, where(big, sub(i0e(xs), mul(y, add(sign(xs), reciprocal(xs)))), 0.5));
}) });
/** Φ⁻¹(p), the standard normal quantile, torch.special.ndtri: `fl.special.ndtri(p)` */
const ndtri: UnaryFn = unaryOp('ndtri', { onnx: null, dtype: 'float', usesX: false, usesY: true, grad: opmathGrad((g, x, y) => mul(g, mul(exp(mul(square(y), 0.5)), Math.sqrt(2 * Math.PI)))) });
// φ(x)/Φ(x) = exp(log φ(x) − log Φ(x)): finite where φ and Φ both underflow (x → −∞)
/** log Φ(x), accurate in both tails, torch.special.log_ndtr: `fl.special.logNdtr(x)` */
const logNdtr: UnaryFn = unaryOp('logNdtr', { onnx: null, dtype: 'float', usesY: true, grad: opmathGrad((g, x, y) => mul(g, exp(sub(mul(square(x), -0.5), add(y, 0.5 * Math.log(2 * Math.PI)))))) });
/** e^(x²)·erfc(x), torch.special.erfcx: `fl.special.erfcx(x)` */
const erfcx: UnaryFn = unaryOp('erfcx', { onnx: null, dtype: 'float', grad: opmathGrad((g, x) => mul(g, sub(mul(mul(x, erfcx(x)), 2), 2 / Math.sqrt(Math.PI)))) });

// torch.bitwise_not (integers and bool; bool is logical) and the two halves of torch.frexp (floating
// only): bitwise.ts exports them. frexp's mantissa has torch's gradient g / 2^exponent.
const bitwiseNot: UnaryFn = unaryOp('bitwiseNot', { onnx: bitwiseNotOnnx, dtype: 'same', inplace: true, grad: null,
  check: (x) => { if (isFloating(x.dtype)) throw new DTypeError(`bitwiseNot: not implemented for ${String(x.dtype)} tensors (torch's bitwise_not takes integers and bool)`); } });
const checkFrexp = (x: Tensor): void => { if (!isFloating(x.dtype)) throw new DTypeError(`frexp: only floating-point dtypes are supported (as torch), got ${String(x.dtype)}`); };
const frexpExponent: UnaryFn = unaryOp('frexpExponent', { onnx: null, dtype: 'same', method: false, grad: null, check: checkFrexp });
const frexpMantissa: UnaryFn = unaryOp('frexpMantissa', { onnx: null, dtype: 'same', method: false, check: checkFrexp, name: 'frexp',
  grad: (g, x) => div(g, exp2(frexpExponent(x))) });
/** @internal torch.bitwise_not and torch.frexp's rows: lib/ops/bitwise.ts exports them. */
export const BITWISE_UNARY_ROWS = Object.freeze({ bitwiseNot, frexpExponent, frexpMantissa });

function checkPolygammaN(n: unknown): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new ValueError(`polygamma: n must be a non-negative integer (torch does not support negative n), got ${describeArg(n)}`);
  return n;
}

/**
 * The n-th derivative of the digamma function, ψ⁽ⁿ⁾(x), as torch.polygamma (n first): n = 0 is
 * digamma, n ≥ 1 is (−1)ⁿ⁺¹ n! ζ(n+1, x). Integers compute in float32. `fl.polygamma(1, x)`
 */
export function polygamma(n: number, input: Tensor): Tensor {
  if (arguments.length > 2) tooManyArgs('polygamma', 'n, input', arguments);
  if (typeof n !== 'number' && n as unknown instanceof Tensor) throw new ValueError(`polygamma: n comes first, as torch.polygamma(n, input); got a Tensor for n`);
  return polygammaOp(input, n);
}
P.polygamma = function (n: number) { if (arguments.length > 1) tooManyArgs('polygamma', 'n', arguments); return polygammaOp(this, n); };
P.polygamma_ = function (n: number) {
  if (arguments.length > 1) tooManyArgs('polygamma_', 'n', arguments);
  return unary(UNARY_TABLE.get('polygamma')!, this, [checkPolygammaN(n)], this);
};

/** @internal torch.special's element-wise functions with no top-level torch name: lib/ops/special.ts exports them in fl.special. */
export const SPECIAL_ONLY = Object.freeze({ i0e, i1, i1e, ndtri, logNdtr, erfcx, zeta, gammainc, gammaincc });
/** round down */ export const floor: UnaryFn = unaryOp('floor', { onnx: 'Floor', dtype: 'signed', inplace: true, usesX: false, grad: zerosLike });
/** round up */ export const ceil: UnaryFn = unaryOp('ceil', { onnx: 'Ceil', dtype: 'signed', inplace: true, usesX: false, grad: zerosLike });
// round's table entry: the in-place `round_()`; `round` and its method are written below (torch's `decimals` keyword)
const roundOp: UnaryFn = unaryOp('round', { onnx: 'Round', dtype: 'signed', inplace: true, method: false, usesX: false, grad: zerosLike });
// torch's round(input, *, decimals=0): decimals is keyword-only, as torch's
const ROUND_ARGS = signature('round', ['input'], { input: required(anyValue<Tensor>()), decimals: optional(int(), 0) });
/**
 * Rounds half to even, as torch.round; `decimals` rounds to that many decimal places (negative: to
 * tens, hundreds, …) as torch computes it: round(x · 10^d) / 10^d, or round(x / 10^-d) · 10^-d, in x's
 * dtype (a floating one). The gradient is zero.
 * ```ts
 * fl.round(fl.tensor([1.5, 2.5]));                    // [2, 2]
 * fl.round(fl.tensor([1.2345, 1234.5]), { decimals: 2 });  // [1.23, 1234.5]
 * ```
 */
export function round(input: Tensor, options?: { decimals?: number }): Tensor {
  const { input: x, decimals } = ROUND_ARGS.parse(arguments as unknown as unknown[]);
  if (decimals === 0) return roundOp(x);
  if (!(x instanceof Tensor)) throw new ValueError(`round: expected a Tensor, got ${describeArg(x)}`);
  if (!isFloating(x.dtype)) throw new DTypeError(`round: decimals ${String(decimals)} needs a floating input, got ${String(x.dtype)} of shape ${fmt(x._shape)} (as torch, which has no integer round with decimals)`);
  const p = 10 ** Math.abs(decimals);
  // one node with a zero gradient, as round's (composed, the zero would pass through mul/div as a chain of zeros)
  const r = scopeSync(() => { const xd = x.detach(); return decimals > 0 ? trueDiv(roundOp(mul(xd, p)), p) : mul(roundOp(trueDiv(xd, p)), p); });
  if (needsGrad(x)) record('round', [x], [r], [], ([g]) => [zerosLike(g!)]);
  return r;
}
P.round = function (this: Tensor, ...a: unknown[]) { return (round as (...b: unknown[]) => Tensor)(this, ...a); };
/** round toward zero */ export const trunc: UnaryFn = unaryOp('trunc', { onnx: (g, x) => g.op('Mul', [g.op('Sign', [x]), g.op('Floor', [g.op('Abs', [x])])]), dtype: 'signed', usesX: false, grad: zerosLike });
/** 1 / x */ export const reciprocal: UnaryFn = unaryOp('reciprocal', { usesX: false, onnx: 'Reciprocal', dtype: 'float', usesY: true, inplace: true, grad: (g, x, y) => neg(mul(g, square(y))) });
/** !x → bool tensor */ export const logicalNot: UnaryFn = unaryOp('logicalNot', { onnx: 'Not', dtype: 'bool', grad: null });
/** x is NaN → bool tensor */ export const isnan: UnaryFn = unaryOp('isnan', { onnx: 'IsNaN', dtype: 'bool', grad: null });
/** x is ±inf → bool tensor */ export const isinf: UnaryFn = unaryOp('isinf', { onnx: 'IsInf', dtype: 'bool', grad: null });
/** x is neither NaN nor ±inf → bool tensor */ export const isfinite: UnaryFn = unaryOp('isfinite', { onnx: (g, x) => g.op('Not', [g.op('Or', [g.op('IsNaN', [x]), g.op('IsInf', [x])])]), dtype: 'bool', grad: null });
/** clamp with scalar bounds; `clamp` below adds tensor bounds and the promotion of the bounds. */
const clampScalar: (x: Tensor, lo?: number | boolean, hi?: number | boolean) => Tensor = unaryOp('clamp', { onnx: (g, x, [hasLo, lo, hasHi, hi], dt) => g.op('Clip', [x, hasLo ? k(g, lo, dt) : '', hasHi ? k(g, hi, dt) : '']),
  dtype: 'same', method: false, args: ['min', 'max'],
  params: (lo?: number | boolean, hi?: number | boolean) => [lo !== undefined ? 1 : 0, +(lo ?? 0), hi !== undefined ? 1 : 0, +(hi ?? 0)],
  grad: (g, x, y, p) => {  // flows where lo <= x <= hi, as torch.clamp
    let m: Tensor = logicalNot(isnan(x));
    if (p[0]) m = logicalAnd(m, ge(x, p[1]));
    if (p[2]) m = logicalAnd(m, le(x, p[3]));
    return where(m, g, 0);  // not g·mask: an infinite g is 0 outside the bounds, as torch's
  },
});

/**
 * Gaussian error linear unit: exact (`'none'`, with erf) or the `'tanh'` approximation.
 * `fl.gelu(x)`, `fl.gelu(x, 'tanh')`
 */
export function gelu(input: Tensor, ...args: ArgsThenOptions<[approximate: 'none' | 'tanh'], { approximate?: 'none' | 'tanh' }>): Tensor {
  const { input: x, approximate } = GELU_ARGS.parse(arguments as unknown as unknown[]);
  if (approximate !== 'none' && approximate !== 'tanh') throw new ValueError(`gelu: approximate must be 'none' or 'tanh', got ${describeArg(approximate)}`);
  return approximate === 'tanh' ? geluTanh(x) : geluErf(x);
}
// torch's gelu(input, approximate='none'): positional or keyword (`F.gelu(x, { approximate: 'tanh' })`); checked above
const GELU_ARGS = signature('gelu', ['input', 'approximate'], { input: required(anyValue<Tensor>()), approximate: optional(anyValue<string>(), 'none') });
P.gelu = function (this: Tensor, ...a: unknown[]) { return (gelu as (...b: unknown[]) => Tensor)(this, ...a); } as Tensor['gelu'];

// ---- clamp, where, maskedFill ---------------------------------------------------------------------

/** torch.clamp's keyword bounds: `x.clamp({ min: 0 })`. */
export interface ClampOptions { min?: TensorLike | null; max?: TensorLike | null }
// torch's clamp(input, min=None, max=None) and clamp_: bounds positional or keyword (clip's: lib/ops/misc.ts);
// checked by checkBound, as for a positional call
const BOUND = optional(anyValue<TensorLike | null>());
const boundsArgs = (fn: string) => signature(fn, ['input', 'min', 'max'], { input: required(anyValue<unknown>()), min: BOUND, max: BOUND });
const CLAMP_ARGS = { clamp: boundsArgs('clamp'), clamp_: signature('clamp_', ['min', 'max'], { min: BOUND, max: BOUND }) };

/** Both scalar bounds given and one of them NaN (torch 1.13's clamp then gives NaN everywhere). */
function nanBoth(lo: unknown, hi: unknown): boolean {
  return lo != null && hi != null && (Number.isNaN(lo) || Number.isNaN(hi));
}
function checkBound(v: unknown, op: string): void {
  if (v !== undefined && typeof v !== 'number' && typeof v !== 'boolean' && !(v instanceof Tensor)) {
    throw new ValueError(`${op}: bounds must be numbers or tensors, got ${typeof v}`);
  }
}

/**
 * Clamps every element into [min, max] (either may be omitted; tensors broadcast):
 * `fl.clamp(x, 0, 1)`, `x.clamp(undefined, 6)`.
 */
export function clamp(input: Tensor, ...bounds: ArgsThenOptions<[min: TensorLike | null, max: TensorLike | null], ClampOptions>): Tensor {
  const { input: x, min, max } = CLAMP_ARGS.clamp.parse(arguments as unknown as unknown[]);
  if (!(x instanceof Tensor)) throw new ValueError(`clamp: expected a Tensor, got ${typeof x}`);
  const lo = min ?? undefined, hi = max ?? undefined;
  checkBound(lo, 'clamp'); checkBound(hi, 'clamp');
  if (lo === undefined && hi === undefined) throw new ValueError('clamp: at least one of min and max must be given');
  if (lo instanceof Tensor || hi instanceof Tensor) return clampTensor(x, lo, hi);
  const args: PromoteArg[] = [{ dtype: x.dtype, ndim: x._shape.length }];
  if (lo !== undefined) args.push(lo as number);
  if (hi !== undefined) args.push(hi as number);
  const dt = resultType(...args);
  const src = dt === x.dtype ? x : contiguousCopy(x, 'clamp', dt);
  try {
    // torch 1.13: with both bounds given, a NaN bound makes every element NaN (gradient 0, as the masks
    // below are false); a lone NaN bound leaves x as it is (the kernel's max/min keep x) — clampMin/Max differ
    if (nanBoth(lo, hi)) return scopeSync(() => add(clampScalar(src, lo as number, hi as number), NaN));
    return clampScalar(src, lo as number | boolean | undefined, hi as number | boolean | undefined);
  } finally { if (src !== x) src.dispose(); }
}

/**
 * clamp with a tensor bound: min(max(x, lo), hi), computed without a graph and recorded as one node
 * with torch's clamp gradients: x's where lo <= x <= hi (bounds included, where maximum and minimum
 * would split a tie), lo's where x < lo (and lo < hi), hi's where x > hi (or hi < lo).
 */
function clampTensor(x: Tensor, lo: TensorLike | undefined, hi: TensorLike | undefined): Tensor {
  const out = scopeSync(() => {
    const xd = x.detach(), l = detached(lo), h = detached(hi);
    const a = l === undefined ? xd : maximum(xd, l);
    return h === undefined ? a : minimum(a, h);
  });
  if (!needsGrad(x, lo, hi)) return out;
  const tl = lo instanceof Tensor ? lo : null, th = hi instanceof Tensor ? hi : null;
  const saved = [x, ...(tl ? [tl] : []), ...(th ? [th] : [])];
  record('clamp', [x, lo, hi], [out], saved, ([g], sv) => scopeSync(() => {
    const sx = sv[0], sl: TensorLike | undefined = tl ? sv[1] : lo, sh: TensorLike | undefined = th ? sv[tl ? 2 : 1] : hi;
    const geLo = sl === undefined ? null : ge(sx, sl), leHi = sh === undefined ? null : le(sx, sh);
    const inside = geLo && leHi ? logicalAnd(geLo, leHi) : (geLo ?? leHi)!;
    const back = (t: Tensor | null, mask: Tensor) => {
      if (!t || !t._requiresGrad) return null;
      const r = sumToShape(where(mask, g!, 0), t._shape);
      return r.dtype === t.dtype ? r : r.to(t.dtype);
    };
    // With both bounds and lo > hi the output is hi: hi's gradient there, lo's only where lo < hi.
    const both = sl !== undefined && sh !== undefined;
    return [back(x, inside),
      tl && geLo ? back(tl, both ? logicalAnd(logicalNot(geLo), lt(sl, sh)) : logicalNot(geLo)) : null,
      th && leHi ? back(th, both ? logicalOr(logicalNot(leHi), lt(sh, sl)) : logicalNot(leHi)) : null];
  }), true);
  return out;
}

/**
 * Picks from `a` where `cond` is true and from `b` elsewhere, broadcasting all three:
 * `fl.where(fl.gt(x, 0), x, 0)`.
 */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  if (arguments.length > 3) tooManyArgs('where', 'condition, input, other', arguments);
  if (!(cond instanceof Tensor)) throw new ValueError(`where: condition must be a bool Tensor`);
  if (cond.dtype !== 'bool') throw new DTypeError(`where: condition must be bool, got ${String(cond.dtype)}`);
  a = asTensorArg(a, 'where'); b = asTensorArg(b, 'where');
  const cx = complexOperand(a, b);
  if (cx !== null) return complexHook('where', 'where', cx)(cond, a, b);
  const dev = commonDevice('where', cond, a, b)!;
  const dt = resultType(promoteArg(a), promoteArg(b));
  const shape = broadcastShapes('where', cond._shape, a instanceof Tensor ? a._shape : [], b instanceof Tensor ? b._shape : []);
  const temps: Tensor[] = [];
  const res = emptyTensor(shape, dt, dev, false, 'where');
  try {
    run(WHERE_OP, 'where', res, [operand(cond, 'bool', shape, 'where', temps), operand(a, dt, shape, 'where', temps), operand(b, dt, shape, 'where', temps)], [], temps);
  } catch (e) { res.dispose(); throw e; }
  if (needsGrad(a, b)) {
    const ta = a, tb = b;
    record('where', [cond, a, b], [res], [cond], ([g], [c]) => scopeSync(() => [
      null,
      ta instanceof Tensor ? sumToShape(where(c, g!, 0), ta._shape) : null,
      tb instanceof Tensor ? sumToShape(where(c, 0, g!), tb._shape) : null,
    ]));
  }
  return traceState.tracer === null ? res : traced('where', [cond, a, b], res, (g, [vc, va, vb]) => g.op('Where', [vc.name, g.operand(va, dt), g.operand(vb, dt)]));
}

/** `x` with `value` where `mask` (bool, broadcastable) is true: `x.maskedFill(fl.isnan(x), 0)`. */
/**
 * @internal Refuses a fill value its integer dtype cannot hold, as torch's checked conversion: an
 * integer to uint8 may be negative down to -255 (it wraps: -1 is 255), a fraction must lie in
 * [0, 255] (it is truncated); int32 (torch's int64) takes what int32 holds. torch refuses the rest
 * ("value cannot be converted to type uint8_t without overflow"); they wrapped silently.
 */
export function checkFillValue(v: unknown, dtype: DType, op: string): void {
  if (typeof v !== 'number' || (dtype !== 'uint8' && dtype !== 'int32')) return;
  const [lo, hi] = dtype === 'uint8' ? [Number.isInteger(v) ? -255 : 0, 255] : [-2147483648, 2147483647];
  if (!(v >= lo && v <= hi)) throw new OverflowError(`${op}: the value ${describeArg(v)} does not fit ${String(dtype)} (${dtype === 'uint8' ? 'integers from -255 (wrapping) to 255, fractions from 0 to 255' : `range [${lo}, ${hi}]`})`);
}

export function maskedFill(input: Tensor, mask: Tensor, value: number | boolean | Tensor): Tensor;
export function maskedFill(input: Tensor, mask: Tensor, options: { value: number | boolean | Tensor }): Tensor;
export function maskedFill(input: Tensor, options: { mask: Tensor; value: number | boolean | Tensor }): Tensor;
export function maskedFill(): Tensor {
  const { input: x, mask, value } = MASKED_FILL_ARGS.parse(arguments as unknown as unknown[]);
  if (!(x instanceof Tensor)) throw new ValueError('maskedFill: expected a Tensor');
  if (!(mask instanceof Tensor) || mask.dtype !== 'bool') throw new DTypeError(`maskedFill: mask must be a bool Tensor${mask instanceof Tensor ? `, got ${String(mask.dtype)}` : ''}`);
  if (value instanceof Tensor && value.numel !== 1) throw new ShapeError(`maskedFill: value must be a number or a 1-element tensor, got shape ${fmt(value._shape)}`);
  if (isComplexTensor(x) || isComplexTensor(value)) {  // through the complex where: where(mask, value, x)
    if (!isComplexTensor(x)) throw new DTypeError(`maskedFill: a complex value cannot be filled into a ${String(x.dtype)} tensor`);
    return complexHook('where', 'maskedFill', x.dtype)(mask, value instanceof Tensor ? value.reshape([]) : value, x);
  }
  if (value instanceof Tensor) {
    // a tensor value: where(mask, value, x) in x's dtype and on x's device — no host read, and the
    // value gets its gradient (the sum of the output's over the masked elements), as torch's
    value._handleFor('maskedFill');
    const v0 = value.reshape([]);
    const vv = v0.dtype === x.dtype && v0.device === x.device ? v0 : v0.to({ dtype: x.dtype, device: x.device });
    commonDevice('maskedFill', x, mask);
    return where(mask, vv, x);
  }
  const v = value;
  if (typeof v !== 'number' && typeof v !== 'boolean') throw new ValueError(`maskedFill: value must be a number, a boolean or a 1-element tensor, got ${describeArg(value)}`);
  checkFillValue(v, x.dtype, 'maskedFill');  // as torch's masked_fill (-2.5 wrapped to 254)
  const dev = commonDevice('maskedFill', x, mask)!;
  const shape = broadcastShapes('maskedFill', x._shape, mask._shape);
  const temps: Tensor[] = [];
  const res = emptyTensor(shape, x.dtype, dev, false, 'maskedFill');
  try {
    run(WHERE_OP, 'maskedFill', res, [operand(mask, 'bool', shape, 'maskedFill', temps), { scalar: +v, dtype: x.dtype }, operand(x, x.dtype, shape, 'maskedFill', temps)], [], temps);
  } catch (e) { res.dispose(); throw e; }
  if (needsGrad(x)) {
    record('maskedFill', [x], [res], [mask], ([g], [m]) => scopeSync(() => [sumToShape(where(m, 0, g!), x._shape)]));
  }
  return traceState.tracer === null ? res : traced('maskedFill', [x, mask], res, (g, [vx, vm]) => g.op('Where', [vm.name, k(g, +v, x.dtype), vx.name]));
}

// ---- methods -------------------------------------------------------------------------------------
// The table entries install their methods; the typings are declared here, with the hand-written ones.

/** The unary codes whose Tensor method is typed by hand below (it takes arguments) or that have none. */
const HAND_TYPED_UNARY = ['leakyRelu', 'round', 'gelu', 'geluTanh', 'clamp', 'polygamma', 'frexpMantissa', 'frexpExponent'] as const;
/** Every other unary code is a method without arguments (`x.exp()`); its entry installs it. */
type UnaryMethods = { [K in Exclude<UnaryCode, (typeof HAND_TYPED_UNARY)[number]>]: () => Tensor };

declare module '../tensor' {
  interface Tensor extends UnaryMethods {
    add(other: TensorLike, alpha?: AlphaArg): Tensor;
    sub(other: TensorLike, alpha?: AlphaArg): Tensor;
    mul(other: TensorLike): Tensor;
    div(other: TensorLike, ...args: ArgsThenOptions<[roundingMode: RoundingMode], { roundingMode?: RoundingMode }>): Tensor;
    div(options: { other: TensorLike; roundingMode?: RoundingMode }): Tensor;
    pow(exponent: TensorLike): Tensor;
    pow(options: { exponent: TensorLike }): Tensor;
    maximum(other: TensorLike): Tensor;
    minimum(other: TensorLike): Tensor;
    remainder(other: TensorLike): Tensor;
    floorDivide(other: TensorLike): Tensor;
    atan2(other: TensorLike): Tensor;
    eq(other: TensorLike): Tensor;
    ne(other: TensorLike): Tensor;
    lt(other: TensorLike): Tensor;
    le(other: TensorLike): Tensor;
    gt(other: TensorLike): Tensor;
    ge(other: TensorLike): Tensor;
    logicalAnd(other: TensorLike): Tensor;
    logicalOr(other: TensorLike): Tensor;
    logicalXor(other: TensorLike): Tensor;
    // the unary methods without arguments (x.exp(), …) come from UnaryMethods
    leakyRelu(...args: ArgsThenOptions<[negativeSlope: number], { negativeSlope?: number }>): Tensor;
    /** See {@link round}: `x.round()`, `x.round({ decimals: 2 })`. */
    round(options?: { decimals?: number }): Tensor;
    gelu(approximate?: 'none' | 'tanh'): Tensor;
    /** ψ⁽ⁿ⁾(x), as Tensor.polygamma(n): `x.polygamma(1)` */
    polygamma(n: number): Tensor;
    clamp(...args: ArgsThenOptions<[min: TensorLike | null, max: TensorLike | null], ClampOptions>): Tensor;
    where(cond: Tensor, other: TensorLike): Tensor;
    maskedFill(mask: Tensor, value: number | boolean | Tensor): Tensor;
    maskedFill(mask: Tensor, options: { value: number | boolean | Tensor }): Tensor;
    maskedFill(options: { mask: Tensor; value: number | boolean | Tensor }): Tensor;
    /** In place: `t.add_(1)` adds into t and returns t. */
    add_(other: TensorLike, alpha?: AlphaArg): Tensor;
    sub_(other: TensorLike, alpha?: AlphaArg): Tensor;
    mul_(other: TensorLike): Tensor;
    div_(other: TensorLike): Tensor;
    pow_(exponent: TensorLike): Tensor;
    neg_(): Tensor; abs_(): Tensor; exp_(): Tensor; log_(): Tensor; sqrt_(): Tensor; sigmoid_(): Tensor;
    tanh_(): Tensor; relu_(): Tensor; floor_(): Tensor; ceil_(): Tensor; round_(): Tensor; reciprocal_(): Tensor;
    clamp_(...args: ArgsThenOptions<[min: number | null, max: number | null], { min?: number | null; max?: number | null }>): Tensor;
    lgamma_(): Tensor; digamma_(): Tensor; polygamma_(n: number): Tensor; erfc_(): Tensor; erfinv_(): Tensor; i0_(): Tensor;
    maskedFill_(mask: Tensor, value: number | boolean): Tensor;
  }
}

P.clamp = function (this: Tensor, ...a: unknown[]) { return (clamp as (...b: unknown[]) => Tensor)(this, ...a); };
P.where = function (cond, other) { if (arguments.length > 2) tooManyArgs('where', 'condition, other', arguments); return where(cond, this, other); };
// torch's masked_fill(input, mask, value): positional or keyword (`x.maskedFill(m, { value: 0 })`); checked by maskedFill
const MASKED_FILL_ARGS = signature('maskedFill', ['input', 'mask', 'value'], { input: required(anyValue<Tensor>()), mask: optional(anyValue<Tensor>()) as Param<Tensor>, value: optional(anyValue<number | boolean | Tensor>()) as Param<number | boolean | Tensor> });
P.maskedFill = function (this: Tensor, ...a: unknown[]) { return (maskedFill as (...b: unknown[]) => Tensor)(this, ...a); } as Tensor['maskedFill'];
P.clamp_ = function (this: Tensor, ...a: unknown[]) { const { min, max } = CLAMP_ARGS.clamp_.parse(a); return clampInPlace(this, min, max); };
/** clamp_ with parsed bounds. */
function clampInPlace(self: Tensor, lo: TensorLike | null | undefined, hi: TensorLike | null | undefined): Tensor {
  checkBound(lo ?? undefined, 'clamp_'); checkBound(hi ?? undefined, 'clamp_');
  if (lo instanceof Tensor || hi instanceof Tensor) throw new ValueError('clamp_: bounds must be numbers');
  if ((lo ?? undefined) === undefined && (hi ?? undefined) === undefined) throw new ValueError('clamp_: at least one of min and max must be given');
  // as clamp's result type (a fractional bound makes it float), which must fit self (torch: "result
  // type Float can't be cast to the desired output type"); it was truncated silently
  const args: PromoteArg[] = [{ dtype: self.dtype, ndim: self._shape.length }];
  if (lo != null) args.push(lo as number);
  if (hi != null) args.push(hi as number);
  const rt = resultType(...args);
  if (categoryOf(rt) > categoryOf(self.dtype)) throw new DTypeError(`clamp_: result type ${String(rt)} can't be cast to the in-place tensor's dtype ${String(self.dtype)} (bounds ${describeArg(lo)}, ${describeArg(hi)})`);
  if (nanBoth(lo, hi)) return self.fill_(NaN);  // as clamp above (torch 1.13)
  return unary(UNARY_TABLE.get('clamp')!, self, [lo != null ? 1 : 0, +(lo ?? 0), hi != null ? 1 : 0, +(hi ?? 0)], self);
}
P.maskedFill_ = function (mask, v) {
  if (arguments.length > 2) tooManyArgs('maskedFill_', 'mask, value', arguments);
  if (!(mask instanceof Tensor) || mask.dtype !== 'bool') throw new DTypeError('maskedFill_: mask must be a bool Tensor');
  checkInplace(this, 'maskedFill_');
  if (typeof v !== 'number' && typeof v !== 'boolean') throw new ValueError(`maskedFill_: value must be a number or a boolean, got ${describeArg(v)}`);
  checkFillValue(v, this.dtype, 'maskedFill_');
  commonDevice('maskedFill_', this, mask);
  const shape = broadcastShapes('maskedFill_', this._shape, mask._shape);
  if (!sameShape(shape, this._shape)) throw new ShapeError(`maskedFill_: mask ${fmt(mask._shape)} does not broadcast to ${fmt(this._shape)}`);
  const temps: Tensor[] = [];
  run(WHERE_OP, 'maskedFill_', this, [operand(mask, 'bool', shape, 'maskedFill_', temps), { scalar: +v, dtype: this.dtype }, this], [], temps);
  return this;
};

// Every native code has its entry (a code added to the native header without one fails here, at
// load), and every unary code that UnaryMethods types as `x.code()` has that method.
for (const [kind, codes, table] of [['unary', UNARY, UNARY_TABLE], ['binary', BINARY, BINARY_TABLE]] as const) {
  const missing = Object.keys(codes).filter((c) => !(table as Map<string, unknown>).has(c));
  if (missing.length) throw new FlintError(`elementwise: native ${kind} codes without a table entry: ${missing.join(', ')}`);
}
for (const e of UNARY_TABLE.values()) {
  if ((HAND_TYPED_UNARY as readonly string[]).includes(e.code)) continue;
  if (e.method === false || e.params || e.name !== e.code) throw new FlintError(`elementwise: unary op ${e.code} is typed as the method ${e.code}() but its entry installs none`);
}
