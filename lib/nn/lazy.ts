// lazy.ts — torch's lazy modules: nn.LazyLinear, LazyConv1d/2d/3d, LazyConvTranspose1d/2d/3d,
// LazyBatchNorm1d/2d/3d and LazyInstanceNorm1d/2d/3d. Each is a subclass of its eager class (as in
// torch, `new nn.LazyLinear(3) instanceof nn.Linear`), made with the input size left open: its
// parameters (and running stats) are empty placeholders ([0], torch's UninitializedParameter /
// UninitializedBuffer) until the first forward, which reads the input size (Linear: the last dim;
// the convolutions: dim 1, or dim 0 of an unbatched input; the norms: dim 1, as torch's), builds the
// eager module with it — so the weights come from the very RNG draws the eager class would make at
// that moment — and takes its state over:
//   - each placeholder parameter keeps its identity (an optimizer made before the first forward
//     keeps working, as torch's materialize() in place): the placeholder takes the eager
//     parameter's value (Tensor._takeOver: its storage, shape, strides and dtype, as Module.to's
//     casts and moves do);
//   - buffers and the other fields (inFeatures, …) are the eager module's;
//   - the instance's prototype becomes the eager class's (torch's `cls_to_become`): from then on it
//     is that module, and hasUninitializedParams is gone with the lazy class, as in torch.
// Constructing a lazy module draws nothing from the generator (the eager constructor's draws on its
// empty placeholder are undone with the RNG state), as torch's uninitialized parameters draw nothing.
// Loading a state dict into a module that has not run yet is refused by loadStateDict's shape check
// (torch materializes from the loaded shapes): run one forward first.
import { describeArg } from '../arity';
import { noGrad } from '../autograd';
import { FlintError, ShapeError, ValueError } from '../errors';
import { fmt } from '../shape';
import { Tensor } from '../tensor';
import { empty } from '../ops/creation';
import { getRngState, setRngState } from '../generator';
import { Linear } from './layers';
import { Conv1d, Conv2d, ConvTranspose2d } from './conv';
import { Conv3d, ConvTranspose3d, InstanceNorm3d } from './layers3d';
import { ConvTranspose1d, InstanceNorm1d, InstanceNorm2d } from './extra-layers';
import { BatchNorm1d, BatchNorm2d, BatchNorm3d } from './norm';
import { FactoryOptions } from './params';
import { Module, Parameter, isParameter } from './module';
import * as A from '../args';
import { factoryKeywords as FACTORY, optional, required, signature } from '../args';

const ANY = optional(A.anyValue<never>());
const REQ = required(A.anyValue<never>());
const linearSig = (n: string) => signature(n, ['outFeatures', 'bias'], { outFeatures: REQ, bias: ANY, ...FACTORY });
const convSig = (n: string) => signature(n, ['outChannels', 'kernelSize', 'stride', 'padding', 'dilation', 'groups', 'bias', 'paddingMode'], {
  outChannels: REQ, kernelSize: REQ, stride: ANY, padding: ANY, dilation: ANY, groups: ANY, bias: ANY, paddingMode: ANY, ...FACTORY,
});
const convTSig = (n: string) => signature(n, ['outChannels', 'kernelSize', 'stride', 'padding', 'outputPadding', 'groups', 'bias', 'dilation', 'paddingMode'], {
  outChannels: REQ, kernelSize: REQ, stride: ANY, padding: ANY, outputPadding: ANY, groups: ANY, bias: ANY, dilation: ANY, paddingMode: ANY, ...FACTORY,
});
// torch's _LazyNormBase: affine and track_running_stats default to True for the instance norms too
const normSig = (n: string) => signature(n, ['eps', 'momentum', 'affine', 'trackRunningStats'], {
  eps: ANY, momentum: ANY, affine: optional(A.bool, true), trackRunningStats: optional(A.bool, true), ...FACTORY,
});
const ARGS = {
  LazyLinear: linearSig('LazyLinear'),
  LazyConv1d: convSig('LazyConv1d'), LazyConv2d: convSig('LazyConv2d'), LazyConv3d: convSig('LazyConv3d'),
  LazyConvTranspose1d: convTSig('LazyConvTranspose1d'), LazyConvTranspose2d: convTSig('LazyConvTranspose2d'), LazyConvTranspose3d: convTSig('LazyConvTranspose3d'),
  LazyBatchNorm1d: normSig('LazyBatchNorm1d'), LazyBatchNorm2d: normSig('LazyBatchNorm2d'), LazyBatchNorm3d: normSig('LazyBatchNorm3d'),
  LazyInstanceNorm1d: normSig('LazyInstanceNorm1d'), LazyInstanceNorm2d: normSig('LazyInstanceNorm2d'), LazyInstanceNorm3d: normSig('LazyInstanceNorm3d'),
};

/** The options given (undefined ones dropped, so that the eager class applies its defaults). */
function given(o: Record<string, unknown>, drop: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined && !drop.includes(k)) out[k] = v;
  return out;
}

interface Pending {
  /** The input size the eager class needs, from the first input. */
  infer(x: Tensor): number;
  /** The eager module for that size, on the placeholders' dtype and device. */
  build(inFeatures: number, factory: FactoryOptions): Module;
  eager: { prototype: object };
  op: string;
}
const PENDING = new WeakMap<Module, Pending>();

/** An error of the eager constructor, said as the lazy class's (`Linear: …` → `LazyLinear: …`). */
function renamed(e: unknown, eager: string, lazy: string): unknown {
  if (e instanceof FlintError && e.message.startsWith(`${eager}:`)) {
    const E = e.constructor as new (message: string) => FlintError;
    return new E(`${lazy}:${e.message.slice(eager.length + 1)}`);
  }
  return e;
}

/** Replaces the eager constructor's parameters and floating buffers by empty placeholders, and records how to materialize. */
function becomeLazy(m: Module, p: Pending, zeroFields: string[]): void {
  noGrad(() => {
    for (const [k, v] of Object.entries(m)) {
      if (k.startsWith('_') || !isParameter(v)) continue;
      (m as unknown as Record<string, Tensor>)[k] = Parameter(empty([0], { dtype: v.dtype, device: v.device }), v.requiresGrad);
      v.dispose();
    }
    for (const [k, b] of m._buffers) {
      if (!b || b.ndim === 0) continue;  // num_batches_tracked stays a real buffer, as torch's
      m._buffers.set(k, empty([0], { dtype: b.dtype, device: b.device }));
      b.dispose();
    }
  });
  for (const f of zeroFields) (m as unknown as Record<string, number>)[f] = 0;  // torch prints in_features=0 / in_channels=0
  PENDING.set(m, p);
}

/** The first forward of a lazy module: build the eager module for the input and become it. */
function materialize(m: Module, x: unknown): void {
  const pend = PENDING.get(m)!;
  if (!(x instanceof Tensor)) throw new ValueError(`${pend.op}: input must be a Tensor, got ${describeArg(x)}`);
  x._handleFor(pend.op);
  const inF = pend.infer(x);
  const own = m as unknown as Record<string, unknown>;
  const ref = (Object.values(own).find((v) => isParameter(v)) as Tensor | undefined) ?? [...m._buffers.values()].find((b) => b && b.ndim > 0) ?? null;
  const factory: FactoryOptions = ref ? { dtype: ref.dtype, device: ref.device } : {};
  const eager = noGrad(() => pend.build(inF, factory));
  noGrad(() => {
    for (const [k, v] of Object.entries(eager)) {
      if (k === 'training' || k === '_buffers' || k === '_nonPersistent') continue;
      const cur = own[k];
      if (isParameter(v) && isParameter(cur) && !cur.isDisposed) { if (cur.grad) { cur.grad.dispose(); cur.grad = null; } cur._takeOver(v, pend.op); }
      else own[k] = v;
    }
    for (const [k, b] of eager._buffers) {
      const old = m._buffers.get(k);
      m._buffers.set(k, b);
      if (old && old !== b) old.dispose();
    }
    eager._buffers.clear();
  });
  Object.setPrototypeOf(m, pend.eager.prototype);
  PENDING.delete(m);
}

/** A lazy module's placeholders are still empty (before the first forward): torch's has_uninitialized_params. */
function pendingOf(m: Module): boolean { return PENDING.has(m); }

const lastDim = (op: string) => (x: Tensor): number => {
  if (x.ndim < 1) throw new ShapeError(`${op}: expected an input with at least 1 dim (its last is in_features), got shape ${fmt(x._shape)}`);
  return x._shape[x.ndim - 1];
};
const channels = (op: string, spatial: number, groups: () => number) => (x: Tensor): number => {
  if (x.ndim !== spatial + 1 && x.ndim !== spatial + 2) {
    throw new ShapeError(`${op}: expected ${spatial + 1}D (unbatched) or ${spatial + 2}D (batched) input, but got input of size ${fmt(x._shape)}`);
  }
  const c = x.ndim === spatial + 2 ? x._shape[1] : x._shape[0];
  if (c % groups() !== 0) throw new ValueError(`${op}: in_channels (${c}, from input ${fmt(x._shape)}) must be divisible by groups (${groups()})`);
  return c;
};
const dim1 = (op: string) => (x: Tensor): number => {
  if (x.ndim < 2) throw new ShapeError(`${op}: expected an input with at least 2 dims [N, C, *] (C is num_features), got shape ${fmt(x._shape)}`);
  return x._shape[1];
};

type Fwd = (this: Module, ...args: unknown[]) => unknown;
/** forward: materialize on the first call, then the eager class's forward. */
function lazyForward(m: Module, eager: { prototype: object }, args: unknown[]): unknown {
  if (PENDING.has(m)) materialize(m, args[0]);
  return ((eager.prototype as { forward: Fwd }).forward).apply(m, args);
}

// ---- the classes ------------------------------------------------------------------------------------

/** Options of LazyLinear (torch's keyword arguments). */
export interface LazyLinearOptions extends FactoryOptions { bias?: boolean }

/**
 * A Linear whose inFeatures comes from the first input's last dim, as `torch.nn.LazyLinear(out_features,
 * bias=True)`; after the first forward it is an `nn.Linear`.
 *
 * ```ts
 * const fc = new nn.LazyLinear(10); fc.forward(fl.randn(2, 7));  // now Linear(in_features=7, out_features=10)
 * ```
 */
export class LazyLinear extends Linear {
  constructor(outFeatures: number, options?: LazyLinearOptions);
  constructor(outFeatures: number, bias: boolean, options?: FactoryOptions);
  constructor(...args: unknown[]) {
    const o = ARGS.LazyLinear.parse(args) as { outFeatures: number } & Record<string, unknown>;
    const st = getRngState();
    try { super(0, o.outFeatures, given(o, ['outFeatures'])); } catch (e) { throw renamed(e, 'Linear', 'LazyLinear'); } finally { setRngState(st); }
    becomeLazy(this, {
      op: 'LazyLinear', eager: Linear, infer: lastDim('LazyLinear'),
      build: (inF, f) => new Linear(inF, o.outFeatures, { ...given(o, ['outFeatures']), ...f }),
    }, ['inFeatures']);
  }
  /** Whether the parameters are still the empty placeholders (before the first forward). */
  hasUninitializedParams(): boolean { return pendingOf(this); }
  forward(x: Tensor): Tensor { return lazyForward(this, Linear, [x]) as Tensor; }
}

/** Options of the lazy convolutions (those of the eager classes, without inChannels). */
export interface LazyConvOptions extends FactoryOptions {
  stride?: number | readonly number[];
  padding?: number | readonly number[] | 'same' | 'valid';
  outputPadding?: number | readonly number[];
  dilation?: number | readonly number[];
  groups?: number;
  bias?: boolean;
  paddingMode?: 'zeros' | 'reflect' | 'replicate' | 'circular';
}

type ConvCtor = new (inC: number, outC: number, k: never, o: never) => Module;
/** What the lazy convolutions share: the eager class is built with inChannels = groups first (a valid probe), then emptied. */
function lazyConv(m: Module, o: Record<string, unknown>, Eager: ConvCtor, op: string, spatial: number): void {
  becomeLazy(m, {
    op, eager: Eager,
    infer: channels(op, spatial, () => (typeof o.groups === 'number' ? o.groups : 1)),
    build: (inC, f) => new Eager(inC, o.outChannels as number, o.kernelSize as never, { ...given(o, ['outChannels', 'kernelSize']), ...f } as never),
  }, ['inChannels']);
}
function probeConv(o: Record<string, unknown>): number { return typeof o.groups === 'number' && Number.isInteger(o.groups) && o.groups > 0 ? o.groups : 1; }

/**
 * Conv1d with inChannels from the first input, as `torch.nn.LazyConv1d(out_channels, kernel_size, stride=1,
 * padding=0, dilation=1, groups=1, bias=True, padding_mode='zeros')`.
 *
 * ```ts
 * const conv = new nn.LazyConv1d(16, 3);
 * ```
 */
export class LazyConv1d extends Conv1d {
  constructor(outChannels: number, kernelSize: number | readonly [number], options?: LazyConvOptions);
  constructor(...args: unknown[]) {
    const o = ARGS.LazyConv1d.parse(args) as Record<string, unknown>;
    const st = getRngState();
    try { super(probeConv(o), o.outChannels as number, o.kernelSize as number, given(o, ['outChannels', 'kernelSize']) as never); } catch (e) { throw renamed(e, 'Conv1d', 'LazyConv1d'); } finally { setRngState(st); }
    lazyConv(this, o, Conv1d as unknown as ConvCtor, 'LazyConv1d', 1);
  }
  /** Whether the parameters are still the empty placeholders (before the first forward). */
  hasUninitializedParams(): boolean { return pendingOf(this); }
  forward(x: Tensor): Tensor { return lazyForward(this, Conv1d, [x]) as Tensor; }
}
/**
 * Conv2d with inChannels from the first input, as `torch.nn.LazyConv2d`.
 *
 * ```ts
 * const conv = new nn.LazyConv2d(32, 3, { padding: 1 });
 * ```
 */
export class LazyConv2d extends Conv2d {
  constructor(outChannels: number, kernelSize: number | readonly number[], options?: LazyConvOptions);
  constructor(...args: unknown[]) {
    const o = ARGS.LazyConv2d.parse(args) as Record<string, unknown>;
    const st = getRngState();
    try { super(probeConv(o), o.outChannels as number, o.kernelSize as number, given(o, ['outChannels', 'kernelSize']) as never); } catch (e) { throw renamed(e, 'Conv2d', 'LazyConv2d'); } finally { setRngState(st); }
    lazyConv(this, o, Conv2d as unknown as ConvCtor, 'LazyConv2d', 2);
  }
  /** Whether the parameters are still the empty placeholders (before the first forward). */
  hasUninitializedParams(): boolean { return pendingOf(this); }
  forward(x: Tensor): Tensor { return lazyForward(this, Conv2d, [x]) as Tensor; }
}
/**
 * Conv3d with inChannels from the first input, as `torch.nn.LazyConv3d`.
 *
 * ```ts
 * const conv = new nn.LazyConv3d(8, 3);
 * ```
 */
export class LazyConv3d extends Conv3d {
  constructor(outChannels: number, kernelSize: number | readonly number[], options?: LazyConvOptions);
  constructor(...args: unknown[]) {
    const o = ARGS.LazyConv3d.parse(args) as Record<string, unknown>;
    const st = getRngState();
    try { super(probeConv(o), o.outChannels as number, o.kernelSize as number, given(o, ['outChannels', 'kernelSize']) as never); } catch (e) { throw renamed(e, 'Conv3d', 'LazyConv3d'); } finally { setRngState(st); }
    lazyConv(this, o, Conv3d as unknown as ConvCtor, 'LazyConv3d', 3);
  }
  /** Whether the parameters are still the empty placeholders (before the first forward). */
  hasUninitializedParams(): boolean { return pendingOf(this); }
  forward(x: Tensor): Tensor { return lazyForward(this, Conv3d, [x]) as Tensor; }
}
/**
 * ConvTranspose1d with inChannels from the first input, as `torch.nn.LazyConvTranspose1d(out_channels,
 * kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=True, dilation=1, padding_mode='zeros')`.
 *
 * ```ts
 * const up = new nn.LazyConvTranspose1d(8, 4, { stride: 2 });
 * ```
 */
export class LazyConvTranspose1d extends ConvTranspose1d {
  constructor(outChannels: number, kernelSize: number | readonly [number], options?: LazyConvOptions);
  constructor(...args: unknown[]) {
    const o = ARGS.LazyConvTranspose1d.parse(args) as Record<string, unknown>;
    const st = getRngState();
    try { super(probeConv(o), o.outChannels as number, o.kernelSize as number, given(o, ['outChannels', 'kernelSize']) as never); } catch (e) { throw renamed(e, 'ConvTranspose1d', 'LazyConvTranspose1d'); } finally { setRngState(st); }
    lazyConv(this, o, ConvTranspose1d as unknown as ConvCtor, 'LazyConvTranspose1d', 1);
  }
  /** Whether the parameters are still the empty placeholders (before the first forward). */
  hasUninitializedParams(): boolean { return pendingOf(this); }
  forward(x: Tensor): Tensor { return lazyForward(this, ConvTranspose1d, [x]) as Tensor; }
}
/**
 * ConvTranspose2d with inChannels from the first input, as `torch.nn.LazyConvTranspose2d`.
 *
 * ```ts
 * const up = new nn.LazyConvTranspose2d(16, 2, { stride: 2 });
 * ```
 */
export class LazyConvTranspose2d extends ConvTranspose2d {
  constructor(outChannels: number, kernelSize: number | readonly number[], options?: LazyConvOptions);
  constructor(...args: unknown[]) {
    const o = ARGS.LazyConvTranspose2d.parse(args) as Record<string, unknown>;
    const st = getRngState();
    try { super(probeConv(o), o.outChannels as number, o.kernelSize as number, given(o, ['outChannels', 'kernelSize']) as never); } catch (e) { throw renamed(e, 'ConvTranspose2d', 'LazyConvTranspose2d'); } finally { setRngState(st); }
    lazyConv(this, o, ConvTranspose2d as unknown as ConvCtor, 'LazyConvTranspose2d', 2);
  }
  /** Whether the parameters are still the empty placeholders (before the first forward). */
  hasUninitializedParams(): boolean { return pendingOf(this); }
  forward(x: Tensor, ...rest: unknown[]): Tensor { return lazyForward(this, ConvTranspose2d, [x, ...rest]) as Tensor; }
}
/**
 * ConvTranspose3d with inChannels from the first input, as `torch.nn.LazyConvTranspose3d`.
 *
 * ```ts
 * const up = new nn.LazyConvTranspose3d(4, 2, { stride: 2 });
 * ```
 */
export class LazyConvTranspose3d extends ConvTranspose3d {
  constructor(outChannels: number, kernelSize: number | readonly number[], options?: LazyConvOptions);
  constructor(...args: unknown[]) {
    const o = ARGS.LazyConvTranspose3d.parse(args) as Record<string, unknown>;
    const st = getRngState();
    try { super(probeConv(o), o.outChannels as number, o.kernelSize as number, given(o, ['outChannels', 'kernelSize']) as never); } catch (e) { throw renamed(e, 'ConvTranspose3d', 'LazyConvTranspose3d'); } finally { setRngState(st); }
    lazyConv(this, o, ConvTranspose3d as unknown as ConvCtor, 'LazyConvTranspose3d', 3);
  }
  /** Whether the parameters are still the empty placeholders (before the first forward). */
  hasUninitializedParams(): boolean { return pendingOf(this); }
  forward(x: Tensor, ...rest: unknown[]): Tensor { return lazyForward(this, ConvTranspose3d, [x, ...rest]) as Tensor; }
}

/** Options of the lazy norms (torch's keyword arguments; affine and trackRunningStats default to true). */
export interface LazyNormOptions extends FactoryOptions {
  eps?: number;
  momentum?: number | null;
  affine?: boolean;
  trackRunningStats?: boolean;
}
type NormCtor = new (n: number, o: never) => Module;
function lazyNorm(m: Module, o: Record<string, unknown>, Eager: NormCtor, op: string): void {
  becomeLazy(m, { op, eager: Eager, infer: dim1(op), build: (c, f) => new Eager(c, { ...given(o, []), ...f } as never) }, ['numFeatures']);
}

/**
 * BatchNorm1d with numFeatures from the first input's dim 1, as `torch.nn.LazyBatchNorm1d(eps=1e-5,
 * momentum=0.1, affine=True, track_running_stats=True)`.
 *
 * ```ts
 * const bn = new nn.LazyBatchNorm1d();
 * ```
 */
export class LazyBatchNorm1d extends BatchNorm1d {
  constructor(options?: LazyNormOptions);
  constructor(...args: unknown[]) {
    const o = ARGS.LazyBatchNorm1d.parse(args) as Record<string, unknown>;
    try { super(0, given(o, []) as never); } catch (e) { throw renamed(e, 'BatchNorm1d', 'LazyBatchNorm1d'); }
    lazyNorm(this, o, BatchNorm1d as unknown as NormCtor, 'LazyBatchNorm1d');
  }
  /** Whether the parameters and running stats are still the empty placeholders (before the first forward). */
  hasUninitializedParams(): boolean { return pendingOf(this); }
  forward(x: Tensor): Tensor { return lazyForward(this, BatchNorm1d, [x]) as Tensor; }
}
/**
 * BatchNorm2d with numFeatures from the first input, as `torch.nn.LazyBatchNorm2d`.
 *
 * ```ts
 * const bn = new nn.LazyBatchNorm2d({ momentum: 0.01 });
 * ```
 */
export class LazyBatchNorm2d extends BatchNorm2d {
  constructor(options?: LazyNormOptions);
  constructor(...args: unknown[]) {
    const o = ARGS.LazyBatchNorm2d.parse(args) as Record<string, unknown>;
    try { super(0, given(o, []) as never); } catch (e) { throw renamed(e, 'BatchNorm2d', 'LazyBatchNorm2d'); }
    lazyNorm(this, o, BatchNorm2d as unknown as NormCtor, 'LazyBatchNorm2d');
  }
  /** Whether the parameters and running stats are still the empty placeholders (before the first forward). */
  hasUninitializedParams(): boolean { return pendingOf(this); }
  forward(x: Tensor): Tensor { return lazyForward(this, BatchNorm2d, [x]) as Tensor; }
}
/**
 * BatchNorm3d with numFeatures from the first input, as `torch.nn.LazyBatchNorm3d`.
 *
 * ```ts
 * const bn = new nn.LazyBatchNorm3d();
 * ```
 */
export class LazyBatchNorm3d extends BatchNorm3d {
  constructor(options?: LazyNormOptions);
  constructor(...args: unknown[]) {
    const o = ARGS.LazyBatchNorm3d.parse(args) as Record<string, unknown>;
    try { super(0, given(o, []) as never); } catch (e) { throw renamed(e, 'BatchNorm3d', 'LazyBatchNorm3d'); }
    lazyNorm(this, o, BatchNorm3d as unknown as NormCtor, 'LazyBatchNorm3d');
  }
  /** Whether the parameters and running stats are still the empty placeholders (before the first forward). */
  hasUninitializedParams(): boolean { return pendingOf(this); }
  forward(x: Tensor): Tensor { return lazyForward(this, BatchNorm3d, [x]) as Tensor; }
}
/**
 * InstanceNorm1d with numFeatures from the first input's dim 1, as `torch.nn.LazyInstanceNorm1d(eps=1e-5,
 * momentum=0.1, affine=True, track_running_stats=True)` (torch's lazy defaults, unlike the eager class's).
 *
 * ```ts
 * const norm = new nn.LazyInstanceNorm1d();
 * ```
 */
export class LazyInstanceNorm1d extends InstanceNorm1d {
  constructor(options?: LazyNormOptions);
  constructor(...args: unknown[]) {
    const o = ARGS.LazyInstanceNorm1d.parse(args) as Record<string, unknown>;
    try { super(0, given(o, []) as never); } catch (e) { throw renamed(e, 'InstanceNorm1d', 'LazyInstanceNorm1d'); }
    lazyNorm(this, o, InstanceNorm1d as unknown as NormCtor, 'LazyInstanceNorm1d');
  }
  /** Whether the parameters and running stats are still the empty placeholders (before the first forward). */
  hasUninitializedParams(): boolean { return pendingOf(this); }
  forward(x: Tensor): Tensor { return lazyForward(this, InstanceNorm1d, [x]) as Tensor; }
}
/**
 * InstanceNorm2d with numFeatures from the first input, as `torch.nn.LazyInstanceNorm2d`.
 *
 * ```ts
 * const norm = new nn.LazyInstanceNorm2d({ affine: false });
 * ```
 */
export class LazyInstanceNorm2d extends InstanceNorm2d {
  constructor(options?: LazyNormOptions);
  constructor(...args: unknown[]) {
    const o = ARGS.LazyInstanceNorm2d.parse(args) as Record<string, unknown>;
    try { super(0, given(o, []) as never); } catch (e) { throw renamed(e, 'InstanceNorm2d', 'LazyInstanceNorm2d'); }
    lazyNorm(this, o, InstanceNorm2d as unknown as NormCtor, 'LazyInstanceNorm2d');
  }
  /** Whether the parameters and running stats are still the empty placeholders (before the first forward). */
  hasUninitializedParams(): boolean { return pendingOf(this); }
  forward(x: Tensor): Tensor { return lazyForward(this, InstanceNorm2d, [x]) as Tensor; }
}
/**
 * InstanceNorm3d with numFeatures from the first input, as `torch.nn.LazyInstanceNorm3d`.
 *
 * ```ts
 * const norm = new nn.LazyInstanceNorm3d();
 * ```
 */
export class LazyInstanceNorm3d extends InstanceNorm3d {
  constructor(options?: LazyNormOptions);
  constructor(...args: unknown[]) {
    const o = ARGS.LazyInstanceNorm3d.parse(args) as Record<string, unknown>;
    try { super(0, given(o, []) as never); } catch (e) { throw renamed(e, 'InstanceNorm3d', 'LazyInstanceNorm3d'); }
    lazyNorm(this, o, InstanceNorm3d as unknown as NormCtor, 'LazyInstanceNorm3d');
  }
  /** Whether the parameters and running stats are still the empty placeholders (before the first forward). */
  hasUninitializedParams(): boolean { return pendingOf(this); }
  forward(x: Tensor): Tensor { return lazyForward(this, InstanceNorm3d, [x]) as Tensor; }
}
