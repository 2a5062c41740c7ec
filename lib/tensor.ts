// tensor.ts — the Tensor class: (storage, dtype, shape, strides, offset, device), its lifetime
// (dispose, `using`, scope, a FinalizationRegistry safety net) and reading values back.
// Ops live in lib/ops/*.ts and add their methods to Tensor.prototype (module augmentation), so this
// file knows nothing about any op but the strided copy that reading a view needs.
import { checkCallable, describeArg, tooManyArgs } from './arity';
import { AsyncLocalStorage } from 'async_hooks';
import { inspect } from 'util';
import { setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';
import { componentDType, DType, DTYPE_CODE, isComplexDType, isFloating, ITEMSIZE, TypedArray, DataFor } from './dtype';
import { CPU, DeviceSpec } from './device';
import { DeviceError, DisposedError, DTypeError, fromNative, OutOfMemoryError, ValueError } from './errors';
import { captureState, refuseInCapture } from './capture';
import { binding, call, guard, Handle, opId, transfer } from './native';
import { formatTensor } from './print';
import { traced, traceState } from './trace';
import { contiguousStrides, fmt, isContiguous, numel, numelChecked } from './shape';

/** @internal A block of device memory shared by a tensor and its views, freed when the last goes. */
export class Storage {
  handle: Handle | null;
  refs = 0;
  /** bumped by every in-place write; autograd checks saved tensors against it */
  version = 0;
  constructor(readonly bytes: number, readonly device: DeviceSpec, zero: boolean, readonly pinned = false) {
    if (device.type === 1 && !oomHandlerSet) setOomHandler();
    try {
      this.handle = binding.alloc(bytes, device.type, device.index, zero, pinned);
    } catch (e) {
      throw fromNative(e);
    }
    if (traceState.tracer !== null) traceState.tracer.storageCreated(this);
  }
  release(): void {
    if (--this.refs === 0 && this.handle !== null) {
      binding.free(this.handle);
      this.handle = null;
    }
  }
}

let liveTensors = 0;
/** @internal What autograd's GradNode offers the tensors it produced. */
export interface GradFnRef { readonly name: string; dropOutput(): void }

type Held = Storage | { s: Storage; n: GradFnRef };
function releaseHeld(h: Held): void {
  liveTensors--;
  if (h instanceof Storage) h.release();
  else { h.s.release(); h.n.dropOutput(); }
}
// A GPU tensor's held value is its GpuEntry, so that the finalizer and the out-of-memory sweep
// (whichever comes first) free it once: before, a finalizer that ran before a sweep left the entry
// live and the sweep released the storage and counted the tensor a second time.
const registry = new FinalizationRegistry<Held | GpuEntry>((h) => {
  if (h instanceof GpuEntry) {
    if (h.done) return;
    h.done = true;
    releaseHeld(h.held);
  } else releaseHeld(h);
});
const scopes = new AsyncLocalStorage<Tensor[]>();
let openScopes = 0;  // scopes running or awaiting: when 0, tensor creation skips the ALS lookup
// The array of the innermost scope whose function is running synchronously now (null: none, e.g. in
// an async scope's continuation, where the AsyncLocalStorage answers). While a scope's function runs
// synchronously its AsyncLocalStorage store is this array, and asking the storage costs about as
// much as a small op's whole TypeScript side (executionAsyncResource), so tensor creation, keep() and
// a scope's end read this first. It is set and restored around the synchronous part of scope(): a
// continuation runs with the JS stack empty, where it is null again.
let syncScope: Tensor[] | null = null;
// set while the autograd tape makes the views it owns (see unscopedView)
let noScopePush = false;

/** The array of the scope that tensors made now belong to (undefined outside any). */
function currentScope(): Tensor[] | undefined {
  if (openScopes === 0) return undefined;
  return syncScope !== null ? syncScope : scopes.getStore();
}

// The FinalizationRegistry safety net costs ~0.4 µs per registration, more than a small op. Most
// tensors are disposed (or end with their scope) soon after they are made, so registration is
// deferred: new tensors wait in `pending` and are registered in batches (every 1024 tensors, and
// at the next turn of the event loop) only if they are still alive then. A forgotten tensor is
// registered at the next batch and freed by the GC as before.
//
// A loop that never yields to the task queue (a `for await` over an in-memory DataLoader resolves
// through microtasks only) must not grow memory, so nothing here may pile up per batch until the
// next turn: at most one Immediate is queued at a time (a queued one stays queued even when a
// 1024-batch flushed in between), and it is queued outside any `scope` — an Immediate keeps the
// AsyncLocalStorage store of the code that queued it, i.e. the scope's array of every tensor it
// made, disposed or not, until it runs (the leak of issue 16: one array of ~40 tensors per 1024
// tensors, 2 MiB of heap per 10,000 small-MLP steps).
// A disposed tensor clears its own slot (Tensor._pendingAt), so that a batch reads only the slots
// and touches the tensors still alive: reading the flag of 1024 disposed tensors, long out of the
// cache, showed in profiles of small ops.
const pending: (Tensor | null)[] = [];
let immediateQueued = false;
function onImmediate(): void {
  immediateQueued = false;
  flushPending();
}
function queueFlush(): void {
  immediateQueued = true;
  setImmediate(onImmediate).unref();
}
function flushPending(): void {
  for (let i = 0; i < pending.length; i++) {
    const t = pending[i];
    if (t !== null && !t._disposed) {
      t._pendingAt = -1;
      const held = t._gradFn ? { s: t._storage, n: t._gradFn } : t._storage;
      if (t._storage.device.type === 1) {
        // GPU tensors also get a WeakRef, so that an out-of-memory retry can free the garbage ones
        // at once (finalizers only run at a later turn of the event loop). The WeakRef points at a
        // small sentinel that only the tensor references, not at the tensor: V8 keeps a WeakRef's
        // target alive until the current job ends (KeepDuringJob), which in a never-yielding loop
        // would keep every such tensor (and its device memory, if forgotten) alive indefinitely.
        const sentinel = {};
        t._sentinel = sentinel;
        const entry = new GpuEntry(new WeakRef(sentinel), held);
        t._token = entry;
        registry.register(t, entry, entry);
        gpuTracked.push(entry);
      } else {
        registry.register(t, held, t);
      }
      t._registered = true;
    }
  }
  pending.length = 0;
  // drop the entries of disposed GPU tensors now and then (the OOM sweep also compacts)
  if (gpuTracked.length > 2 * gpuCompacted + 1024) {
    let w = 0;
    for (let i = 0; i < gpuTracked.length; i++) if (!gpuTracked[i].done) gpuTracked[w++] = gpuTracked[i];
    gpuTracked.length = w;
    gpuCompacted = w;
  }
}

/** A GPU tensor's registration: the WeakRef for the out-of-memory sweep, and the registry's token. */
class GpuEntry {
  done = false;
  constructor(readonly ref: WeakRef<object>, readonly held: Held) {}
}
const gpuTracked: GpuEntry[] = [];
let gpuCompacted = 0;  // gpuTracked's length after its last compaction
let oomHandlerSet = false;
let runGc: (() => void) | null | undefined;

/**
 * The GPU allocator calls this (inside the failing allocation) before it retries: run a full GC and
 * free the storages of GPU tensors that nobody references any more, as their finalizers would.
 */
function freeGarbageGpuTensors(): void {
  flushPending();
  if (runGc === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      runGc = runInNewContext('gc') as () => void;
    } catch {
      runGc = null;
    }
  }
  if (runGc) runGc();
  let w = 0;
  for (let i = 0; i < gpuTracked.length; i++) {
    const e = gpuTracked[i];
    if (e.done) continue;  // disposed
    if (e.ref.deref() === undefined) {
      e.done = true;
      registry.unregister(e);
      releaseHeld(e.held);
    } else {
      gpuTracked[w++] = e;
    }
  }
  gpuTracked.length = w;
  gpuCompacted = w;
}

/** @internal fl.memory.collectGarbage() */
export function collectGarbage(): void { freeGarbageGpuTensors(); }

function setOomHandler(): void {
  oomHandlerSet = true;
  try { binding.gpuSetOomHandler(freeGarbageGpuTensors); } catch { /* the backend reports itself at alloc */ }
}
function track(t: Tensor): void {
  t._pendingAt = pending.length;
  pending.push(t);
  if (pending.length >= 1024) flushPending();
  else if (!immediateQueued) {
    if (openScopes > 0) scopes.exit(queueFlush); else queueFlush();
  }
}

/** A value that ops accept where a tensor is expected: a tensor or a JS number/boolean. */
export type TensorLike = Tensor | number | boolean;

/** One complex value as JavaScript reads it: `toArray()` of a complex tensor gives these. */
export interface Complex { re: number; im: number }

// THE COMPLEX GUARD. No native kernel takes complex64/complex128 (their DTYPE_CODE is -1), and every
// op reaches its kernel, and most ops check their inputs first, through Tensor._handleFor: it refuses
// a complex tensor with a DTypeError naming the op ("relu: complex64 tensors are not supported"),
// except for the ops named here, which only make views, copy (copyInto copies complex tensors as
// their real views), move bytes, or manage lifetime and autograd. Complex arithmetic lives in
// lib/ops/complex.ts, which computes on the real views (viewAsReal) and hooks into the generic ops
// through `complexHooks` below. (The addon refuses code -1 too: a missed path fails typed, never
// reinterprets the bytes.)
const COMPLEX_SAFE_OPS: ReadonlySet<string> = new Set([
  'view', 'reshape', 'flatten', 'squeeze', 'unsqueeze', 'transpose', 'permute', 'expand', 'broadcastTo',
  'narrow', 'select', 'slice', 'index', 'diagonal', 'contiguous', 'clone', 'cat', 'stack', 'split',
  'chunk', 'unbind', 'repeat', 'roll', 'to', 'copy_', 't', 'detach', 'backward', 'grad', 'registerHook',
  'saveForBackward', 'gradcheck', 'pin', 'recordStream', 'TensorDataset', 'save', 'saveSync', 'load',
  'loadSync', 'safetensors', 'zerosLike', 'onesLike', 'emptyLike', 'fullLike', 'randnLike', 'tensor',
  // compositions of complex-aware ops (narrow/sub, reshape/mul, diagonal/sum, where, matmul)
  'diff', 'kron', 'trace', 'diag', 'diagEmbed', 'diagflat', 'outer', 'movedim',
  // the conjugate transpose (lib/ops/misc2.ts: transpose, then conj)
  'adjoint', 'H',
]);

/**
 * @internal The complex-aware forms of generic ops, installed by lib/ops/complex.ts when it loads:
 * the generic op calls its hook when an operand is complex (each hook refuses what it cannot do).
 */
export interface ComplexHooks {
  /** elementwise binary op `code` (add, mul, eq, …) with a complex operand; `out`: in place into a */
  binary(code: string, a: TensorLike, b: TensorLike, out?: Tensor): Tensor;
  /** elementwise unary op `code` (neg, exp, abs, …) of a complex x; `out`: in place into x */
  unary(code: string, x: Tensor, out?: Tensor): Tensor;
  /** t[...] = v (a real number: imaginary part 0) */
  fill(t: Tensor, v: number, op: string): void;
  /** writes JS values (real numbers, imaginary parts 0) into the fresh contiguous complex t */
  upload(t: Tensor, values: ArrayLike<number | boolean>): void;
  /** a reduction (sum, mean, prod) of a complex x with the generic op's options */
  reduce(op: string, x: Tensor, options: { dim?: number | readonly number[] | null; keepdim?: boolean }): Tensor;
  /** where(cond, a, b) with a complex value operand */
  where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor;
  /** matmul-family op `op` (matmul, mm, bmm) with a complex operand */
  matmul(op: string, a: Tensor, b: Tensor): Tensor;
  /** a layout op of a complex x, run on its real view: gather (dim, index), indexSelect/index (dim, index), flip (dims) */
  layout(op: string, x: Tensor, args: readonly unknown[]): Tensor;
  /** isclose/allclose of complex operands of one dtype (tolerances checked) */
  isclose(op: string, a: Tensor, b: Tensor, rtol: number, atol: number, equalNan: boolean): Tensor;
  /** op `op` (cumsum, linalg.solve, …) composed on the real views; `args`: the generic op's own arguments after its parsing */
  composite(op: string, args: readonly unknown[]): unknown;
}
/** @internal see ComplexHooks */
export const complexHooks: Partial<ComplexHooks> = {};

/** @internal Whether v is a complex tensor (the test the generic ops make before calling a hook). */
export function isComplexTensor(v: unknown): boolean {
  return v instanceof Tensor && (v.dtype === 'complex64' || v.dtype === 'complex128');
}

/** @internal The dtype of the first complex tensor of a and b, or null when neither is complex (no array: every binary op asks). */
export function complexOperand(a: unknown, b?: unknown): DType | null {
  if (a instanceof Tensor && DTYPE_CODE[a.dtype] < 0) return a.dtype;
  if (b instanceof Tensor && DTYPE_CODE[b.dtype] < 0) return b.dtype;
  return null;
}

/** @internal The hook `name`, or the DTypeError of an op that has none for complex tensors. */
export function complexHook<K extends keyof ComplexHooks>(name: K, op: string, dtype: DType): ComplexHooks[K] {
  const h = complexHooks[name];
  if (!h) throw complexRefusal(op, dtype);
  return h;
}

/** @internal The error of an op that does not take complex tensors. */
export function complexRefusal(op: string, dtype: DType): DTypeError {
  return new DTypeError(`${String(op)}: ${String(dtype)} tensors are not supported`);
}

/**
 * What `toArray()` returns: a number (a boolean for bool tensors) for a 0-dim tensor, otherwise
 * arrays nested one level per dim. The rank is not known to the type system, so narrow it
 * (`Array.isArray`) or state it: `const rows = x.toArray() as number[][]`.
 */
export type NestedArray<T = number | boolean> = T | NestedArray<T>[];

/**
 * An n-dimensional array on one device.
 *
 * ```ts
 * const t = fl.tensor([[1, 2], [3, 4]]);
 * t.shape;           // [2, 2]
 * t.add(1).toArray() // [[2, 3], [4, 5]]
 * t.dispose();
 * ```
 */
export class Tensor {
  /** @internal */ _storage: Storage;
  /** @internal */ readonly _shape: readonly number[];
  /** @internal */ readonly _strides: readonly number[];
  /** @internal */ readonly _offset: number;
  /** The element type. */
  readonly dtype: DType;
  /** @internal */ _disposed = false;
  /** @internal registered with the FinalizationRegistry (see `track`) */ _registered = false;
  /** @internal its slot in the batch waiting for registration (-1: none; see `track`) */ _pendingAt = -1;
  /** @internal a GPU tensor's registration (see flushPending) */ _token: GpuEntry | null = null;
  /** @internal what a GPU tensor's WeakRef points at (see flushPending) */ _sentinel: object | null = null;
  /** @internal autograd: the node that produced this tensor (null for leaves) */ _gradFn: any = null;
  /** @internal autograd: which output of _gradFn this is */ _outputIndex = 0;
  /** @internal */ _requiresGrad = false;
  /** @internal keep .grad on a non-leaf (`retainGrad()`) */ _retainsGrad = false;
  /** @internal autograd: the hooks `registerHook` put on this tensor's gradient, in order (null: none) */ _gradHooks: Array<(grad: Tensor) => Tensor | void | undefined> | null = null;
  /** The accumulated gradient after `backward()` (leaves that require grad), else null. */
  grad: Tensor | null = null;

  /** @internal Use the creation functions (`fl.tensor`, `fl.zeros`, …) instead. */
  constructor(storage: Storage, shape: readonly number[], strides: readonly number[], offset: number, dtype: DType) {
    if (!(storage instanceof Storage)) throw new ValueError('Tensor: the constructor is internal; make tensors with fl.tensor, fl.zeros, fl.empty, …');
    this._storage = storage;
    this._shape = shape;
    this._strides = strides;
    this._offset = offset;
    this.dtype = dtype;
    storage.refs++;
    liveTensors++;
    track(this);
    if (openScopes > 0 && !noScopePush) {
      const s = syncScope !== null ? syncScope : scopes.getStore();
      if (s) s.push(this);
    }
  }

  /** The size of each dim (a copy). */
  get shape(): number[] { return this._shape.slice(); }
  /** Element strides of each dim (a copy). */
  get strides(): number[] { return this._strides.slice(); }
  /** Number of dims. */
  get ndim(): number { return this._shape.length; }
  /** Number of elements. */
  get numel(): number { return numel(this._shape); }
  /** Offset of the first element in the storage, in elements. */
  get storageOffset(): number { return this._offset; }
  /** The device name, `'cpu'` or `'cuda:N'`. */
  get device(): string { return this._storage.device.name; }
  /** Bytes per element. */
  get itemsize(): number { return ITEMSIZE[this.dtype]; }
  /** Whether elements are laid out row-major without gaps. */
  isContiguous(): boolean { if (arguments.length > 0) tooManyArgs('isContiguous', '', arguments); return isContiguous(this._shape, this._strides); }
  /** @internal The version of the storage (in-place writes bump it). */
  get _version(): number { return this._storage.version; }

  /** Whether gradients flow to this tensor: set it on leaves (`w.requiresGrad = true`). */
  get requiresGrad(): boolean { return this._requiresGrad; }
  set requiresGrad(v: boolean) {
    if (!v && this._gradFn) throw new ValueError('requiresGrad: you can only change requiresGrad of leaf tensors; use detach()');
    if (v && !(this.dtype === 'float32' || this.dtype === 'float64' || this.dtype === 'float16' || this.dtype === 'bfloat16' || isComplexDType(this.dtype))) {
      throw new ValueError(`requiresGrad: only floating point tensors can require gradients (complex ones too), got ${this.dtype}`);
    }
    this._requiresGrad = !!v;
  }
  /** Sets requiresGrad and returns this tensor: `fl.randn([3]).requiresGrad_()`. */
  requiresGrad_(v = true): this { if (arguments.length > 1) tooManyArgs('requiresGrad_', 'requiresGrad', arguments); this.requiresGrad = v; return this; }
  /** True for tensors not produced by a recorded op (user-made tensors and parameters). */
  get isLeaf(): boolean { return this._gradFn === null; }
  /** The name of the op that produced this tensor in the graph, or null. */
  get gradFn(): string | null { return this._gradFn ? this._gradFn.name : null; }
  /** A view of the same data outside the graph (requiresGrad false). */
  detach(): Tensor { if (arguments.length > 0) tooManyArgs('detach', '', arguments); return traced('detach', [this], this._view(this._shape, this._strides, this._offset), (g, [x]) => g.op('Identity', [x.name])); }

  /** Whether `dispose()` has been called (or its scope ended). */
  get isDisposed(): boolean { return this._disposed; }

  /** Frees this tensor's hold on its storage now (the memory goes when its last view goes). Idempotent. */
  dispose(): void {
    if (arguments.length > 0) tooManyArgs('dispose', '', arguments);
    if (this._disposed) return;
    this._disposed = true;
    if (this._registered) {
      if (this._token) { this._token.done = true; registry.unregister(this._token); } else registry.unregister(this);
    } else if (this._pendingAt >= 0) {
      pending[this._pendingAt] = null;
    }
    liveTensors--;
    this._storage.release();
    if (this._gradFn) { const n = this._gradFn; this._gradFn = null; n.dropOutput(); }
    if (this.grad) { this.grad.dispose(); this.grad = null; }
  }
  /** `using t = fl.zeros([3])` disposes `t` at the end of the block. */
  [Symbol.dispose](): void { this.dispose(); }

  /**
   * @internal This leaf takes `src`'s value — its storage (device, pinned or not), layout and dtype —
   * and `src` is disposed: the tensor object stays the same, as torch's `param.data = new` keeps a
   * Parameter (Module.to's casts and moves, a lazy module's materialization). Its registration
   * follows the storage (the old one is released now: views of the old value — a graph's saved
   * tensors among them — keep their own storage, so a graph recorded before computes with the
   * values it recorded — torch reads the leaf's new data there, the same values up to a cast's
   * rounding; with `newValues` the version is bumped instead, so that a graph that saved this
   * tensor refuses at backward); its version counter goes on; its `.grad` is the caller's
   * business (Module.to converts it, `p.data = t` keeps it). `src` must be a leaf nobody else holds.
   */
  _takeOver(src: Tensor, op: string, newValues = false): void {
    if (this._disposed || src._disposed) throw new DisposedError(`${op}: tensor of shape ${fmt((this._disposed ? this : src)._shape)} was disposed`);
    if (this._gradFn || src._gradFn) throw new ValueError(`${op}: only a leaf tensor's value can be replaced in place`);
    if (this._registered) {
      if (this._token) { this._token.done = true; registry.unregister(this._token); } else registry.unregister(this);
      this._registered = false;
      this._token = null;
      this._sentinel = null;
    } else if (this._pendingAt >= 0) {
      pending[this._pendingAt] = null;
      this._pendingAt = -1;
    }
    const old = this._storage;
    const s = src._storage;
    s.refs++;
    // the tensor's version counter goes on; new values (not a cast's or a move's) count as an in-place
    // write, so that a graph that saved this tensor refuses at backward rather than use the old ones
    s.version = newValues ? Math.max(s.version, old.version) + 1 : old.version;
    this._storage = s;
    old.release();
    const w = this as unknown as { _shape: readonly number[]; _strides: readonly number[]; _offset: number; dtype: DType };
    w._shape = src._shape; w._strides = src._strides; w._offset = src._offset; w.dtype = src.dtype;
    track(this);
    src.dispose();
  }

  /**
   * @internal Tensor.resize_'s primitive (lib/ops/misc4.ts): this tensor takes `shape` with contiguous
   * strides at its offset. A storage too small for it first moves into a larger zero-filled block (its
   * bytes copied), kept in the same Storage object, so that every view of it sees the new block, as
   * torch grows the shared storage; a smaller shape keeps the storage. The version is not bumped
   * (torch's resize_ does not; the values that views and saved tensors read stay the same).
   */
  _resize(shape: readonly number[], op: string): void {
    this._storageHandle(op);
    const s = this._storage, n = numel(shape);
    const bytes = n === 0 ? 0 : (this._offset + n) * ITEMSIZE[this.dtype];
    if (bytes > s.bytes) {
      // a block reallocated during a capture would be a pointer baked into the graph
      if (captureState.active) refuseInCapture(op, 'growing a storage (a new block would be allocated while capturing)');
      let grown: Storage;
      try {
        grown = new Storage(bytes, s.device, true, s.pinned);
      } catch (e) {
        if (e instanceof OutOfMemoryError) throw new OutOfMemoryError(`${op}: ${e.message} (growing the storage of a ${this.dtype} tensor to ${bytes} bytes for shape ${fmt(shape)})`);
        throw e;
      }
      grown.refs = 1;
      try {
        if (s.bytes > 0) {
          if (COPY < 0) COPY = opId('copy');
          const bytesOf = (st: Storage) => ({ dtype: 'uint8' as DType, _shape: [s.bytes], _strides: [1], _offset: 0, _handleFor: () => st.handle as Handle });
          call(COPY, op, [bytesOf(grown), bytesOf(s)]);
        }
        // the Storage object keeps its identity (views, registrations and graphs hold it); the blocks swap
        const old = s.handle;
        s.handle = grown.handle;
        grown.handle = old;
        (s as { bytes: number }).bytes = bytes;
      } finally { grown.release(); }
    }
    const w = this as unknown as { _shape: readonly number[]; _strides: readonly number[] };
    w._shape = shape.slice();
    w._strides = contiguousStrides(shape);
  }

  /**
   * @internal The storage handle, or DisposedError naming the op; a complex tensor's, only for the
   * ops that do not read its values as numbers (see THE COMPLEX GUARD), else a DTypeError.
   */
  _handleFor(op: string): Handle {
    const h = this._storage.handle;
    if (this._disposed || h === null) {
      throw new DisposedError(`${String(op)}: tensor of shape ${fmt(this._shape)} (${String(this.dtype)}) was disposed`);
    }
    if (DTYPE_CODE[this.dtype] < 0 && !COMPLEX_SAFE_OPS.has(op)) throw complexRefusal(op, this.dtype);
    return h;
  }

  /** @internal The storage handle whatever the dtype (views and byte copies), or DisposedError naming the op. */
  _storageHandle(op: string): Handle {
    const h = this._storage.handle;
    if (this._disposed || h === null) {
      throw new DisposedError(`${String(op)}: tensor of shape ${fmt(this._shape)} (${String(this.dtype)}) was disposed`);
    }
    return h;
  }

  /** @internal A view of the same storage. */
  _view(shape: readonly number[], strides: readonly number[], offset: number): Tensor {
    this._storageHandle('view');
    return new Tensor(this._storage, shape, strides, offset, this.dtype);
  }

  /**
   * Copies the values into a new TypedArray (float16/bfloat16 widen to Float32Array, bool to
   * Uint8Array; complex64/complex128 give Float32Array/Float64Array of 2·numel values, each
   * element's real and imaginary parts interleaved) and blocks until they are ready.
   * `fl.tensor([1, 2]).dataSync() // Float32Array [1, 2]`
   */
  dataSync(): DataFor<this['dtype']> {
    if (arguments.length > 0) tooManyArgs('dataSync', '', arguments);
    if (captureState.active) refuseInCapture('dataSync', 'a host read');
    if (DTYPE_CODE[this.dtype] < 0) {
      const r = complexAsReal(this, 'dataSync');
      try { return r.dataSync() as DataFor<this['dtype']>; } finally { r.dispose(); }
    }
    if (traceState.tracer !== null) traceState.tracer.hostRead(this);
    const h = this._handleFor('dataSync');
    const n = this.numel;
    if (isContiguous(this._shape, this._strides)) {
      // A zero-size view may start past its storage's end (unbind(x, 2)[1] of an x of shape [4, 0, 2]
      // starts at element 1 of 0), as in torch: there is nothing to read.
      const off = n === 0 ? 0 : this._offset;
      if (this._storage.device.type === 1) return transfer('DtoH', n * ITEMSIZE[this.dtype], () => binding.download(h, off, n, DTYPE_CODE[this.dtype])) as DataFor<this['dtype']>;
      return guard(() => binding.download(h, off, n, DTYPE_CODE[this.dtype])) as DataFor<this['dtype']>;
    }
    const tmp = contiguousCopy(this, 'dataSync');
    try {
      const th = tmp._handleFor('dataSync');
      if (this._storage.device.type === 1) return transfer('DtoH', n * ITEMSIZE[this.dtype], () => binding.download(th, 0, n, DTYPE_CODE[this.dtype])) as DataFor<this['dtype']>;
      return guard(() => binding.download(th, 0, n, DTYPE_CODE[this.dtype])) as DataFor<this['dtype']>;
    } finally {
      tmp.dispose();
    }
  }

  /**
   * Resolves with the values as a TypedArray. On a GPU the copy is queued on the current stream and
   * awaited off the JS thread, so the event loop keeps running while the GPU works.
   * `const values = await y.data();`
   */
  async data(): Promise<DataFor<this['dtype']>> {
    if (arguments.length > 0) tooManyArgs('data', '', arguments);
    if (captureState.active) refuseInCapture('data', 'a host read (await data())');
    if (this._storage.device.type !== 1) return this.dataSync();
    if (DTYPE_CODE[this.dtype] < 0) {
      const r = complexAsReal(this, 'data');
      try { return await r.data() as DataFor<this['dtype']>; } finally { r.dispose(); }
    }
    this._handleFor('data');
    const n = this.numel;
    const src = isContiguous(this._shape, this._strides) ? this : contiguousCopy(this, 'data');
    try {
      const h = src._handleFor('data');
      const off = src === this && n > 0 ? this._offset : 0;
      return await transfer('DtoH', n * ITEMSIZE[this.dtype], () => binding.gpuDownloadAsync(h, off, n, DTYPE_CODE[this.dtype])).catch((e: unknown) => { throw fromNative(e); }) as DataFor<this['dtype']>;
    } finally {
      if (src !== this) src.dispose();
    }
  }

  /** Whether this tensor's memory is page-locked host memory (`pin()`, `empty(…, { pinned: true })`). */
  isPinned(): boolean { if (arguments.length > 0) tooManyArgs('isPinned', '', arguments); return this._storage.pinned; }

  /**
   * A copy of this CPU tensor in page-locked (pinned) host memory, from which `to('cuda', { nonBlocking: true })`
   * is an asynchronous copy. Returns this tensor if it is pinned already.
   */
  pin(): Tensor {
    if (arguments.length > 0) tooManyArgs('pin', '', arguments);
    if (this._storage.pinned) return this;
    if (this._storage.device.type !== 0) throw new DeviceError(`pin: only CPU tensors can be pinned, this one is on ${this.device}`);
    this._handleFor('pin');
    const out = emptyTensor(this._shape, this.dtype, CPU, false, 'pin', true);
    try { copyInto(out, this, 'pin'); } catch (e) { out.dispose(); throw e; }
    return out;
  }

  /**
   * Declares that `stream` also uses this GPU tensor's memory, so that it is not handed to another
   * tensor before the work queued there so far has finished (PyTorch's `record_stream`).
   */
  recordStream(stream: { id: number }): void {
    if (arguments.length > 1) tooManyArgs('recordStream', 'stream', arguments);
    if (this._storage.device.type !== 1) throw new DeviceError(`recordStream: tensor is on ${this.device}, not a GPU`);
    if (stream === null || typeof stream !== 'object' || typeof stream.id !== 'number') throw new ValueError(`recordStream: expected a cuda.Stream, got ${describeArg(stream)}`);
    const h = this._handleFor('recordStream');
    guard(() => binding.gpuRecordStream(h, stream.id));
  }

  /**
   * The values as nested arrays (booleans for bool tensors, `{ re, im }` objects for complex ones),
   * like `tensor.tolist()`.
   */
  toArray(): NestedArray {
    if (arguments.length > 0) tooManyArgs('toArray', '', arguments);
    if (captureState.active) refuseInCapture('toArray', 'a host read');
    const flat = this.dataSync() as TypedArray;
    const isBool = this.dtype === 'bool';
    const shape = this._shape;
    if (DTYPE_CODE[this.dtype] < 0) {
      let at = 0;
      const one = (): Complex => { const c = { re: flat[at], im: flat[at + 1] }; at += 2; return c; };
      const walk = (d: number): NestedArray<Complex> => {
        if (d === shape.length) return one();
        const out = new Array<NestedArray<Complex>>(shape[d]);
        for (let i = 0; i < shape[d]; i++) out[i] = walk(d + 1);
        return out;
      };
      return walk(0) as unknown as NestedArray;
    }
    if (shape.length === 0) return isBool ? flat[0] !== 0 : flat[0];
    let pos = 0;
    const build = (d: number): NestedArray[] => {
      const out = new Array<NestedArray>(shape[d]);
      if (d === shape.length - 1) {
        for (let i = 0; i < shape[d]; i++) out[i] = isBool ? flat[pos++] !== 0 : flat[pos++];
      } else {
        for (let i = 0; i < shape[d]; i++) out[i] = build(d + 1);
      }
      return out;
    };
    return build(0);
  }

  /**
   * The single value of a one-element tensor: `fl.tensor([[3]]).item() // 3`. A complex tensor has
   * no single JS number: read `z.toArray()` (`{ re, im }`), `z.real.item()` or `z.imag.item()`.
   */
  item(): number {
    if (arguments.length > 0) tooManyArgs('item', '', arguments);
    if (this.numel !== 1) {
      throw new ValueError(`item: a tensor with ${String(this.numel)} elements (shape ${fmt(this._shape)}) cannot be converted to a number`);
    }
    if (DTYPE_CODE[this.dtype] < 0) throw new DTypeError(`item: a ${String(this.dtype)} value is not a JS number: use toArray() for { re, im }, or .real.item() and .imag.item()`);
    if (captureState.active) refuseInCapture('item', 'a host read');
    return (this.dataSync() as TypedArray)[0];
  }

  /** PyTorch-style text: `tensor([1., 2.])`; large tensors are summarised. */
  toString(): string {
    if (arguments.length > 0) tooManyArgs('toString', '', arguments);
    if (this._disposed) return `tensor(<disposed>, shape=${fmt(this._shape)}, dtype=${this.dtype})`;
    return formatTensor(this);
  }
  /** @internal console.log support */
  [inspect.custom](): string { return this.toString(); }
}

// `t.data` is flintml's async read (`await t.data()`, tfjs's name), and torch's `.data` is the
// tensor's detached alias: torch code reads `w.data.normal_(0, 0.02)`, `p.data.copy_(q.data)`,
// `p.data.clamp_(-c, c)`, and assigns `p.data = other`. So `data` is an accessor. Reading it gives
// a callable alias: called, it is the async read; any Tensor member read through it is the
// member of a detached alias of the tensor made on first use (torch's `.data`: same storage, no
// autograd, `requiresGrad` false), methods bound to that alias, and it passes `instanceof Tensor`,
// so it works as an operand too. In-place writes through it bump the storage's version as any
// in-place write does: a graph that saved the tensor refuses at backward (torch's `.data` writes
// are untracked, and such a backward would read the new values silently).
// Assigning a tensor does what torch's does (the tensor keeps its identity, its autograd flag and
// its .grad, and takes the other's values, sharing its storage: no copy); anything else is refused.
const readData = Object.getOwnPropertyDescriptor(Tensor.prototype, 'data')!.value as Tensor['data'];
const TENSOR_MEMBER = (prop: string | symbol, self: Tensor): boolean => prop in Tensor.prototype || Object.prototype.hasOwnProperty.call(self, prop);
function dataAccessor(self: Tensor): Tensor['data'] {
  let alias: Tensor | null = null;
  const aliasOf = (): Tensor => (alias ??= self._view(self._shape, self._strides, self._offset));
  const read = ((...args: []) => readData.apply(self, args)) as Tensor['data'] & { [inspect.custom]?: () => string };
  read[inspect.custom] = () => aliasOf().toString();
  return new Proxy(read, {
    get(target, prop) {
      if (prop === inspect.custom || prop === 'call' || prop === 'apply' || prop === 'bind' || !TENSOR_MEMBER(prop, self)) return Reflect.get(target, prop) as unknown;
      const a = aliasOf();
      const v = Reflect.get(a, prop, a) as unknown;
      return typeof v === 'function' && prop !== 'constructor' ? (v as (...x: unknown[]) => unknown).bind(a) : v;
    },
    set(target, prop, value) {
      if (!TENSOR_MEMBER(prop, self)) return Reflect.set(target, prop, value);
      const a = aliasOf();
      return Reflect.set(a, prop, value, a);
    },
    has(target, prop) { return TENSOR_MEMBER(prop, self) || Reflect.has(target, prop); },
    getPrototypeOf() { return Tensor.prototype; },
  });
}
Object.defineProperty(Tensor.prototype, 'data', {
  configurable: true,
  enumerable: false,
  get(this: Tensor): Tensor['data'] { return dataAccessor(this); },
  set(this: Tensor, v: unknown) {
    if (!(v instanceof Tensor)) {
      throw new ValueError(`data: only a Tensor can be assigned to .data (torch's \`p.data = t\`), got ${describeArg(v)}; \`await t.data()\` reads the values`);
    }
    if (v === this) return;
    if (this._requiresGrad && !(isFloating(v.dtype) || isComplexDType(v.dtype))) {
      throw new DTypeError(`data: a tensor that requires grad (shape ${fmt(this._shape)}) can only take floating point data, got ${v.dtype}`);
    }
    const alias = v._view(v._shape, v._strides, v._offset);
    const g = this.grad;
    this.grad = null;
    try { this._takeOver(alias, 'data', true); } finally { this.grad = g; }
  },
});

/** @internal Allocates an uninitialised (or zeroed) contiguous tensor. */
export function emptyTensor(shape: readonly number[], dtype: DType, device: DeviceSpec = CPU, zero = false, op = 'empty', pinned = false): Tensor {
  const n = numelChecked(shape, op);
  if (pinned && device.type !== 0) throw new DeviceError(`${op}: pinned memory is host memory: use device 'cpu' (got ${device.name})`);
  let storage: Storage;
  try {
    storage = new Storage(n * ITEMSIZE[dtype], device, zero, pinned);
  } catch (e) {
    // the allocator knows the bytes and the device; the op and the tensor are known here
    if (e instanceof OutOfMemoryError) throw new OutOfMemoryError(`${op}: ${e.message} (a ${dtype} tensor of shape ${fmt(shape)})`);
    throw e;
  }
  return new Tensor(storage, shape, contiguousStrides(shape), 0, dtype);
}

/**
 * @internal A view of all of `t` that belongs to no scope (autograd's saved tensors: the node that
 * saves them disposes them), without keep()'s search of the scope's array.
 */
export function unscopedView(t: Tensor): Tensor {
  t._handleFor('view');
  if (openScopes === 0) return new Tensor(t._storage, t._shape, t._strides, t._offset, t.dtype);
  noScopePush = true;
  try {
    return new Tensor(t._storage, t._shape, t._strides, t._offset, t.dtype);
  } finally {
    noScopePush = false;
  }
}

let COPY = -1;
/** @internal A tensor-shaped operand of a native call (a Tensor or a view description of one). */
type CopyOperand = Tensor | { _shape: readonly number[]; _strides: readonly number[]; _offset: number; dtype: DType; _handleFor(op: string): Handle };

/**
 * @internal A complex tensor's real view (component dtype, shape [...shape, 2], strides [...2·s, 1],
 * offset 2·offset) with no autograd, belonging to no scope: the caller disposes it.
 */
export function complexAsReal(t: Tensor, op: string): Tensor {
  t._storageHandle(op);
  const shape = t._shape.concat(2), strides = t._strides.map((s) => 2 * s).concat(1);
  const make = (): Tensor => new Tensor(t._storage, shape, strides, 2 * t._offset, componentDType(t.dtype));
  if (openScopes === 0) return make();
  noScopePush = true;
  try { return make(); } finally { noScopePush = false; }
}

/** One part (0 real, 1 imaginary) of complex t as a native operand over its storage. */
function complexPart(t: CopyOperand, k: 0 | 1, op: string): CopyOperand {
  const handle = t instanceof Tensor ? t._storageHandle(op) : t._handleFor(op);
  return { dtype: componentDType(t.dtype), _shape: t._shape, _strides: t._strides.map((s) => 2 * s), _offset: 2 * t._offset + k, _handleFor: () => handle };
}

let FILL = -1;
/**
 * Copies with a complex side run on the parts: complex ← complex copies both (with the precision
 * change), complex ← real writes the real part and zeroes the imaginary one, real ← complex keeps the
 * real part (torch does too, with a warning).
 */
function copyComplex(dst: Tensor, src: CopyOperand, op: string): void {
  const cd = isComplexDType(dst.dtype), cs = isComplexDType(src.dtype);
  if (cd && cs) {
    call(COPY, op, [complexPart(dst, 0, op), complexPart(src, 0, op)]);
    call(COPY, op, [complexPart(dst, 1, op), complexPart(src, 1, op)]);
  } else if (cd) {
    if (FILL < 0) FILL = opId('fill');
    call(COPY, op, [complexPart(dst, 0, op), src]);
    call(FILL, op, [complexPart(dst, 1, op)], [0]);
  } else {
    call(COPY, op, [dst, complexPart(src, 0, op)]);
  }
}

/** @internal dst[...] = src[...] (same shape; dtype conversion included, complex too). */
export function copyInto(dst: Tensor, src: CopyOperand, op: string): void {
  if (COPY < 0) COPY = opId('copy');
  if (numel(dst._shape) === 0) return;
  if (DTYPE_CODE[dst.dtype] < 0 || DTYPE_CODE[src.dtype] < 0) { copyComplex(dst, src, op); return; }
  call(COPY, op, [dst, src]);
}

/** @internal A contiguous copy of t (dtype kept unless given). */
export function contiguousCopy(t: Tensor, op: string, dtype: DType = t.dtype): Tensor {
  t._handleFor(op);
  const out = emptyTensor(t._shape, dtype, t._storage.device, false, op);
  try {
    copyInto(out, t, op);
  } catch (e) {
    out.dispose();
    throw e;
  }
  return out;
}

function collect(v: unknown, into: Set<Tensor>, depth = 0): void {
  if (v instanceof Tensor) { into.add(v); return; }
  if (depth > 8 || v === null || typeof v !== 'object') return;
  if (Array.isArray(v)) { for (const x of v) collect(x, into, depth + 1); return; }
  if (v instanceof Map) { for (const x of v.values()) collect(x, into, depth + 1); return; }
  if (Object.getPrototypeOf(v) === Object.prototype) for (const x of Object.values(v)) collect(x, into, depth + 1);
}

/** Whether every element is a tensor, null or undefined (what `collect` would find is then the tensors). */
function isFlatTensorList(a: readonly unknown[]): boolean {
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    if (x !== null && x !== undefined && !(x instanceof Tensor)) return false;
  }
  return true;
}

function endScope(made: Tensor[], result: unknown): void {
  if (made.length === 0) return;
  const parent = currentScope();
  if (result instanceof Tensor || result === null || typeof result !== 'object') {
    // the common results (nothing, a number, one tensor) need no set of kept tensors
    for (let i = 0; i < made.length; i++) {
      const t = made[i];
      if (t === result) { if (parent) parent.push(t); } else t.dispose();
    }
    return;
  }
  if (Array.isArray(result) && result.length <= 8 && isFlatTensorList(result)) {
    // a backward's list of gradients: membership by scan, no set
    for (let i = 0; i < made.length; i++) {
      const t = made[i];
      if (result.includes(t)) { if (parent) parent.push(t); } else t.dispose();
    }
    return;
  }
  const keep = new Set<Tensor>();
  collect(result, keep);
  for (const t of made) {
    if (keep.has(t)) { if (parent) parent.push(t); } else t.dispose();
  }
}

/**
 * Runs `fn` and disposes every tensor it made, except those in its result (a tensor, or arrays /
 * plain objects / Maps of them). Works with async functions too (tfjs's `tidy`).
 *
 * ```ts
 * const y = fl.scope(() => x.mul(2).add(1));  // the intermediate x.mul(2) is freed
 * ```
 */
export function scope<T>(fn: () => T): T {
  if (arguments.length > 1) tooManyArgs('scope', 'fn', arguments);
  checkCallable(fn, 'scope');
  const made: Tensor[] = [];
  const result = runInScope(made, () => scopes.run(made, fn));
  if (result instanceof Promise) {
    return result.then(
      (r) => { openScopes--; endScope(made, r); return r; },
      (e) => { openScopes--; endScope(made, undefined); throw e; },
    ) as unknown as T;
  }
  openScopes--;
  endScope(made, result);
  return result;
}

/**
 * The synchronous part of scope() and scopeSync(): runs `fn` with `made` as the scope that tensors
 * made now belong to, and restores the outer one. A throw ends the scope here (its tensors disposed);
 * otherwise the scope stays open (openScopes counts it) for the caller to end, at once or when the
 * function's promise settles.
 */
function runInScope<T>(made: Tensor[], fn: () => T): T {
  const outer = syncScope;
  openScopes++;
  syncScope = made;
  let result: T;
  try {
    result = fn();
  } catch (e) {
    syncScope = outer;
    openScopes--;
    endScope(made, undefined);
    throw e;
  }
  syncScope = outer;
  return result;
}

/**
 * @internal `scope` for the library's own functions that are synchronous and call no user code (an
 * op's backward, a composed op): the same bookkeeping without entering the AsyncLocalStorage, which
 * costs about as much as a small op. Not for user functions: an async function's continuations must
 * see the store, and only `scope` sets it.
 */
export function scopeSync<T>(fn: () => T): T {
  const made: Tensor[] = [];
  const result = runInScope(made, fn);
  openScopes--;
  endScope(made, result);
  return result;
}

/** Takes `t` out of the enclosing scope so that the scope's end does not dispose it. Returns `t`. */
export function keep<T extends Tensor>(t: T): T {
  if (arguments.length > 1) tooManyArgs('keep', 'input', arguments);
  const s = currentScope();
  if (s) {
    const i = s.lastIndexOf(t);
    if (i >= 0) s.splice(i, 1);
  }
  return t;
}

/** @internal */
export function liveTensorCount(): number { return liveTensors; }
