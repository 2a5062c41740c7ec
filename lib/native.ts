// native.ts — the one door to C++. Loads the addon (prebuild first, local build second, through
// node-gyp-build) and declares the binding's types. Op calls go through `call()`, which writes the
// operand descriptors into the shared `meta` buffer (layout in native/addon/addon.cpp) and passes
// only the storage handles, so a call costs one N-API crossing and no array marshalling.
import * as path from 'path';
import { describeArg } from './arity';
import { DType, DTYPE_CODE, TypedArray } from './dtype';
import { CaptureError, fromNative, FlintError, ShapeError } from './errors';
import { captureState } from './capture';

/** What `fl.cuda.getDeviceProperties(i)` returns. */
export interface DeviceProperties {
  /** The driver's name for the GPU, e.g. `'NVIDIA H100 80GB HBM3'`. */
  name: string;
  vendor: 'nvidia' | 'amd';
  /** NVIDIA only: `[major, minor]`, e.g. `[9, 0]`. */
  computeCapability?: [number, number];
  /** AMD only: the gfx architecture with its features, e.g. `'gfx90a:sramecc+:xnack-'`. */
  gcnArch?: string;
  /** Streaming multiprocessors (NVIDIA) or compute units (AMD). */
  multiProcessorCount: number;
  /** Device memory in bytes. */
  totalMemory: number;
}

/** @internal What the addon's gpuInfo() reports (native/addon/gpu_binding.cpp). */
export interface GpuInfo {
  available: boolean;
  vendor: '' | 'nvidia' | 'amd';
  driverVersion: number;
  driverVersionString: string;
  reason: string;
  devices: DeviceProperties[];
  log: string[];
}

/** @internal A storage handle: a small integer the addon maps to a native Storage. */
export type Handle = number;

/** @internal */
export interface Binding {
  init(meta: Float64Array): void;
  alloc(bytes: number, device: number, deviceIndex: number, zero: boolean, pinned?: boolean): Handle;
  free(h: Handle): void;
  opId(name: string): number;
  opNames(): string[];
  /** Which backends have a kernel for each op: `{ add: ['cpu', 'cuda'], … }`. */
  opDevices(): Record<string, string[]>;
  run(op: number, ...handles: (Handle | undefined)[]): void;
  upload(h: Handle, byteOffset: number, src: TypedArray, dtype: number): void;
  download(h: Handle, elementOffset: number, numel: number, dtype: number): TypedArray;
  stats(device: number): {
    allocatedBytes: number; peakAllocatedBytes: number; numAllocs: number; numFrees: number;
    cachedBytes: number; reservedBytes: number; cacheHits: number;
  };
  resetPeak(device: number): void;
  emptyCache(device: number): void;
  info(): { blas: string; blasSearch: string; threads: number; maxDims: number; cpuIsa: string; cpuIsaNote: string };
  setNumThreads(n: number): void;
  /** GPU discovery (native/addon/gpu_binding.cpp); the first call runs it. Absent in addons built before it. */
  gpuInfo?(): GpuInfo;
  /** The GPU backend (native/addon/gpu_binding.cpp); streams and events are small integer ids, 0 the default stream. */
  gpuCopy(dst: Handle, dstByteOffset: number, src: Handle, srcByteOffset: number, bytes: number): void;
  gpuDownloadAsync(h: Handle, elementOffset: number, numel: number, dtype: number): Promise<TypedArray>;
  gpuIsPinned(h: Handle): boolean;
  gpuStreamCreate(device: number): number;
  gpuStreamDestroy(id: number): void;
  gpuStreamSynchronize(id: number): void;
  gpuStreamQuery(id: number): boolean;
  gpuStreamWaitEvent(stream: number, event: number): void;
  gpuStreamDevice(id: number): number;
  gpuCurrentStream(): number;
  gpuSetCurrentStream(id: number): void;
  gpuEventCreate(timing: boolean): number;
  gpuEventDestroy(id: number): void;
  gpuEventRecord(id: number, stream: number): void;
  gpuEventSynchronize(id: number): void;
  gpuEventQuery(id: number): boolean;
  gpuEventElapsed(start: number, end: number): number;
  gpuSynchronize(device: number): void;
  gpuSetDevice(device: number): void;
  gpuCurrentDevice(): number;
  gpuSetMemoryLimit(bytes: number): void;
  gpuMemoryLimit(): number;
  gpuSetAllowTF32(on: boolean): void;
  gpuAllowTF32(): boolean;
  gpuRecordStream(h: Handle, stream: number): void;
  gpuAllocatorStats(device: number): Record<string, number>;
  gpuBackendInfo(): { imageSet: string; modules: number; kernelsResolved: number; sync: boolean };
  gpuSetOomHandler(fn: () => void): void;
  gpuGraphsSupported(): boolean;
  gpuCaptureBegin(stream: number, mode: number): void;
  gpuCaptureEnd(): number;
  gpuCaptureAbort(): void;
  gpuIsCapturing(): boolean;
  gpuGraphReplay(id: number): void;
  gpuGraphDestroy(id: number): void;
  gpuBlasInfo(): { kind: string; name: string; path: string; version: string; summary: string; searchLog: string[] };
  /** The MPI engine (native/addon/mpi_binding.cpp): OpenMPI found or not; jobs run on one native thread. Absent in addons built before it. */
  mpiInfo?(): { loaded: boolean; path: string; version: string; log: string[] };
  mpiSubmit?(kind: number, handle: Handle | null, byteOffset: number, count: number, dtype: number, op: number, peer: number, parts: [Handle, number][] | null): Promise<{ rank: number; size: number }>;
  mpiAbort?(): void;
}

function load(): Binding {
  const root = path.resolve(__dirname, '..');
  try {
    // FLINT_ADDON_PATH loads a specific build (development: several build folders side by side)
    if (process.env.FLINT_ADDON_PATH) return require(path.resolve(process.env.FLINT_ADDON_PATH)) as Binding;
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    return require('node-gyp-build')(root) as Binding;
  } catch (e) {
    throw new FlintError(
      `flintml: could not load the native addon from ${String(root)} (${(e as Error).message}). ` +
      'Reinstall with a C++ toolchain (cmake, g++) so it can be built: npm rebuild flintml');
  }
}

/** @internal */
export const binding: Binding = load();

const META_LEN = 1 << 14;
const meta = new Float64Array(META_LEN);
binding.init(meta);

/** @internal Max tensor rank the kernels accept. */
export const MAX_DIMS: number = binding.info().maxDims;

/** @internal The parts of a tensor that an op call needs. */
export interface OperandView {
  readonly dtype: DType;
  readonly _shape: readonly number[];
  readonly _strides: readonly number[];
  readonly _offset: number;
  /** The storage's device (type 1: a GPU); only the profiler reads it, to know where an op runs. */
  readonly _storage?: { readonly device: { readonly type: number } };
  _handleFor(op: string): Handle;
}

/** @internal A JS scalar operand with the dtype it is converted to. */
export interface ScalarOperand { scalar: number; dtype: DType }

const missing: string[] = [];

/**
 * @internal Resolves an op name to its id once. A name the addon lacks gets a negative id that
 * fails when the op is called (naming the op), so one missing kernel never breaks module load.
 */
export function opId(name: string): number {
  const id = binding.opId(name);
  if (id >= 0) return id;
  missing.push(name);
  return -missing.length;
}

// The storage handles of one call, reused: only the first n (the call's operands) are passed on, so
// it is never resized (setting an array's length on every call showed in profiles of small ops).
const handles: (Handle | undefined)[] = new Array<Handle | undefined>(16).fill(undefined);

/** @internal A host<->device copy as the profiler names it (PyTorch's trace calls them 'Memcpy HtoD', …). */
export type TransferKind = 'HtoD' | 'DtoH' | 'DtoD';

/**
 * @internal What the profiler (lib/profiler.ts) runs in place of op calls and copies while it records.
 * `op` times the op and then runs it with `callNative`; `transfer` times the copy `fn`.
 */
export interface CallHook {
  op(id: number, opName: string, operands: readonly (OperandView | ScalarOperand)[], params: readonly number[] | undefined): void;
  transfer<T>(kind: TransferKind, bytes: number, fn: () => T): T;
}

// Every op and every copy passes through call()/transfer(): this one test is all that profiling
// costs while it is off.
let hook: CallHook | null = null;

/** @internal Installs (or with null removes) the hook: the profiler's, or fl.onnx.export's while it traces. */
export function setCallHook(h: CallHook | null): void { hook = h; }
/** @internal The hook installed now (null when none). */
export function getCallHook(): CallHook | null { return hook; }

/**
 * @internal Runs native op `id` on operands (outputs first, by the op's convention) and params.
 * An operand may be a tensor view or a scalar (broadcast to operand 0's shape).
 */
export function call(id: number, opName: string, operands: readonly (OperandView | ScalarOperand)[], params?: readonly number[]): void {
  if (hook !== null) { hook.op(id, opName, operands, params); return; }
  callNative(id, opName, operands, params);
}

/**
 * @internal A copy between host and device (or two devices) made by `fn`, a binding call: run as
 * `guard(fn)`, or timed by the profiler while it records.
 */
export function transfer<T>(kind: TransferKind, bytes: number, fn: () => T): T {
  if (hook !== null) return hook.transfer(kind, bytes, () => guard(fn));
  return guard(fn);
}

/** @internal call() without the profiler's test: the profiler's hook runs the op through it. */
export function callNative(id: number, opName: string, operands: readonly (OperandView | ScalarOperand)[], params?: readonly number[]): void {
  let p = 0;
  const n = operands.length;
  meta[p++] = n;
  for (let i = 0; i < n; i++) {
    const o = operands[i] as OperandView & ScalarOperand;
    if (o._shape === undefined) {
      meta[p++] = 1;
      meta[p++] = DTYPE_CODE[o.dtype];
      meta[p++] = o.scalar;
      handles[i] = undefined;
      continue;
    }
    const shape = o._shape, strides = o._strides, nd = shape.length;
    if (nd > MAX_DIMS) throw new ShapeError(`${String(opName)}: tensors have at most ${String(MAX_DIMS)} dims, got ${describeArg(shape)}`);
    handles[i] = o._handleFor(opName);
    meta[p++] = 0;
    meta[p++] = DTYPE_CODE[o.dtype];
    meta[p++] = nd;
    meta[p++] = o._offset;
    for (let d = 0; d < nd; d++) meta[p++] = shape[d];
    for (let d = 0; d < nd; d++) meta[p++] = strides[d];
  }
  if (id < 0) {
    throw new FlintError(`${String(opName)}: the native addon has no kernel '${missing[-id - 1]}' (rebuild the addon: npm rebuild flintml)`);
  }
  const np = params ? params.length : 0;
  meta[p++] = np;
  for (let i = 0; i < np; i++) meta[p++] = params![i];
  try {
    switch (n) {
      case 1: binding.run(id, handles[0]); break;
      case 2: binding.run(id, handles[0], handles[1]); break;
      case 3: binding.run(id, handles[0], handles[1], handles[2]); break;
      case 4: binding.run(id, handles[0], handles[1], handles[2], handles[3]); break;
      default: binding.run(id, ...handles.slice(0, n));
    }
  } catch (e) {
    const err = fromNative(e);
    // the native op table names op families ('binary'): say which op the user called
    if (err instanceof CaptureError && captureState.active) throw new CaptureError(err.message.replace(/^[^:]*:/, `${String(opName)}:`));
    throw err;
  }
}

/** @internal Wraps a binding call so native errors come out typed. */
export function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw fromNative(e);
  }
}
