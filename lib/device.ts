// device.ts — device names ('cpu', 'cuda', 'cuda:N') and the `cuda` namespace. GPU discovery
// (native/gpu/device.cpp: the NVIDIA driver, then AMD's HIP runtime, through dlopen) runs on the
// first `fl.cuda.*` call or 'cuda' device request, never at module load, and its answer is cached
// for the process. Asking for a GPU the backend cannot use throws BackendUnavailableError that
// says why, never a silent move to the CPU.
//
// `fl.device(…)` makes torch.device objects ({ type, index }, `String(d)` torch's text); every place
// that takes a device string takes one too, through parseDevice (lib/args.ts's `device` check turns
// one into its string). `t.device` stays a string, so that `t.device === 'cpu'` keeps working.
import { inspect } from 'util';
import { BackendUnavailableError, DeviceError, IndexError, ValueError } from './errors';
import { describeArg, tooManyArgs } from './arity';
import { binding, guard } from './native';
import type { DeviceProperties, GpuInfo } from './native';


/** A ValueError unless v is an instance of cls (a Stream or an Event where the method needs one). */
function needKind(v: unknown, cls: abstract new (...a: never[]) => unknown, where: string, what: string): void {
  if (!(v instanceof cls)) throw new ValueError(`${where}: expected ${what}, got ${describeArg(v)}`);
}

/** A device name: `'cpu'`, `'cuda'` or `'cuda:N'` (the GPU of either vendor, as PyTorch names it). */
export type Device = string;

/** What functions that take a device accept: its name, or a `fl.device(…)` object. */
export type DeviceLike = Device | DeviceObject;

// torch 1.13's device types (c10/core/DeviceType.cpp), for its message about an unknown one
const TORCH_DEVICE_TYPES = 'cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, fpga, ort, xla, lazy, vulkan, mps, meta, hpu, privateuseone';
const INDEX_LIMIT = 2 ** 31;

/**
 * A device, as a `torch.device` object: made by `fl.device('cuda:1')`, `fl.device('cuda', 1)`,
 * `fl.device('cpu')` or `fl.device(0)`. `type` is `'cpu'` or `'cuda'`, `index` the number given
 * (`null` when none was, as torch: `'cuda'` is not `'cuda:0'` until a tensor is put there).
 * `String(d)` is torch's text (`'cuda:1'`); any function that takes a device string takes the
 * object too (`t.to(d)`, `fl.zeros(2, { device: d })`, `model.to(d)`, DataLoader's `device`).
 * Immutable; `equals` compares type and index.
 * ```ts
 * const d = fl.device('cuda', 1);
 * [d.type, d.index, String(d)];   // ['cuda', 1, 'cuda:1']
 * fl.device(x.device).type;       // 'cpu': torch's x.device.type (t.device itself is a string)
 * ```
 */
export class DeviceObject {
  /** @internal Made by `fl.device` only. */
  constructor(readonly type: 'cpu' | 'cuda', readonly index: number | null) { Object.freeze(this); }
  /** torch's `str(device)`: `'cpu'`, `'cuda'`, `'cuda:1'`. */
  toString(): string {
    if (arguments.length > 0) tooManyArgs('DeviceObject.toString', '', arguments);
    return this.index === null ? this.type : `${this.type}:${String(this.index)}`;
  }
  /**
   * Whether `other` (a device object or a device string) names the same type and index, as torch's
   * `==`: `fl.device('cuda').equals('cuda:0')` is false, as `torch.device('cuda') == torch.device('cuda:0')`.
   */
  equals(other: DeviceLike): boolean {
    if (arguments.length > 1) tooManyArgs('DeviceObject.equals', 'other', arguments);
    if (typeof other !== 'string' && !(other instanceof DeviceObject)) throw new ValueError(`DeviceObject.equals: expected a device or a device string, got ${describeArg(other)}`);
    const o = other instanceof DeviceObject ? other : device(other);
    return o.type === this.type && o.index === this.index;
  }
  /** @internal console.log: torch's repr, `device(type='cuda', index=1)`. */
  [inspect.custom](): string { return `device(type='${this.type}'${this.index === null ? '' : `, index=${String(this.index)}`})`; }
}

function deviceIndex(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new ValueError(`device: ${what} must be an integer, got ${describeArg(v)}`);
  if (v < 0) throw new DeviceError(`device: Device index must not be negative, got ${String(v)}`);
  if (v >= INDEX_LIMIT) throw new DeviceError(`device: the device index ${String(v)} is too large`);
  return v;
}

/**
 * A device object, as `torch.device`: from a string (`'cpu'`, `'cuda'`, `'cuda:1'`, `'cpu:0'`), a
 * type and an index (`('cuda', 1)`), a GPU index (`(1)` is `cuda:1`), or another device object
 * (returned as it is). Making one needs no GPU, as torch's; putting a tensor on it does. Torch's
 * invalid strings are refused with a DeviceError (`'cuda:-1'`, `'cuda:0:1'`, `'cuda:01'`, `'gpu'`),
 * as are torch's device types flintml has no backend for (`'mps'`, `'meta'`, …).
 * ```ts
 * const d = fl.device('cuda:1');        // { type: 'cuda', index: 1 }
 * fl.device('cuda').index;              // null
 * fl.zeros(2, { device: fl.device('cpu') });
 * ```
 */
export function device(type: DeviceLike | number, index?: number | null): DeviceObject {
  if (arguments.length > 2) tooManyArgs('device', 'type, index', arguments);
  if (type instanceof DeviceObject) {
    if (index !== undefined && index !== null) throw new ValueError('device: an index cannot follow a device object');
    return type;
  }
  if (typeof type === 'number') {
    if (index !== undefined && index !== null) throw new ValueError(`device: expected a device type string before the index, got ${describeArg(type)}`);
    return new DeviceObject('cuda', deviceIndex(type, 'a GPU index'));
  }
  if (typeof type !== 'string') throw new ValueError(`device: expected a device string ('cpu', 'cuda', 'cuda:N'), a GPU index or a device, got ${describeArg(type)}`);
  // torch 1.13's grammar (c10/core/Device.cpp): letters and '_', then optionally ':' and an index
  // without sign or leading zeros; the whole string, no spaces
  const m = /^([a-zA-Z_]+)(?::([1-9][0-9]*|0))?$/.exec(type);
  if (!m) throw new DeviceError(`device: Invalid device string: ${describeArg(type)}`);
  const kind = m[1];
  if (!TORCH_DEVICE_TYPES.split(', ').includes(kind)) {
    throw new DeviceError(`device: Expected one of ${TORCH_DEVICE_TYPES} device type at start of device string: ${describeArg(type)}`);
  }
  if (kind !== 'cpu' && kind !== 'cuda') throw new DeviceError(`device: torch's '${kind}' device type has no flintml backend (flintml has 'cpu' and 'cuda', the GPU of either vendor), got ${describeArg(type)}`);
  let ix: number | null = null;
  if (m[2] !== undefined) {
    if (index !== undefined && index !== null) throw new DeviceError(`device: type (string) must not include an index because index was passed explicitly: ${describeArg(type)}`);
    ix = Number(m[2]);
    if (ix >= INDEX_LIMIT) throw new DeviceError(`device: Could not parse device index '${m[2]}' in device string ${describeArg(type)}`);
  } else if (index !== undefined && index !== null) {
    ix = deviceIndex(index, 'index');
  }
  return new DeviceObject(kind, ix);
}

/** @internal A device object's name (`'cuda:1'`); anything else is returned as it is (for the callers' own checks). */
export function deviceArg<T>(d: T): Exclude<T, DeviceObject> | string {
  return d instanceof DeviceObject ? d.toString() : d as Exclude<T, DeviceObject>;
}

/** @internal Parsed device: type code as in native/core/tensor.h (0 cpu, 1 cuda) and index. */
export interface DeviceSpec { type: 0 | 1; index: number; name: string }

/** @internal */
export const CPU: DeviceSpec = { type: 0, index: 0, name: 'cpu' };

// One DeviceSpec object per GPU index, so that tensors on one device hold the same object (the
// fused ops' operand checks compared them with ===, which a fresh object per parse never passed).
const GPU_SPECS: DeviceSpec[] = [];

/** @internal The DeviceSpec of GPU `index` (always the same object for an index). */
export function gpuSpec(index: number): DeviceSpec {
  return (GPU_SPECS[index] ??= { type: 1, index, name: `cuda:${String(index)}` });
}

/** @internal Whether two parsed devices are the same device. */
export function sameDevice(a: DeviceSpec, b: DeviceSpec): boolean {
  return a === b || (a.type === b.type && a.index === b.index);
}

export type { DeviceProperties };

let gpuInfoCache: GpuInfo | undefined;

/** @internal The GPU discovery result; the first call runs discovery (a few ms with a driver). */
export function gpuInfo(): GpuInfo {
  if (gpuInfoCache) return gpuInfoCache;
  const discover = binding.gpuInfo;
  if (typeof discover !== 'function') {
    gpuInfoCache = {
      available: false, vendor: '', driverVersion: 0, driverVersionString: '', devices: [],
      reason: 'the loaded native addon predates GPU discovery (rebuild it: npm rebuild flintml)',
      log: ['the loaded native addon has no gpuInfo(): GPU search not run'],
    };
  } else {
    gpuInfoCache = guard(() => discover.call(binding));
  }
  return gpuInfoCache;
}

/** @internal Parses and validates a device; throws for unknown names and unusable GPUs. */
export function parseDevice(d0: unknown, op = 'device'): DeviceSpec {
  const d = deviceArg(d0);
  if (d === undefined || d === null || d === 'cpu') return CPU;
  if (typeof d === 'string') {
    if (/^cpu:(0|[1-9][0-9]*)$/.test(d)) return CPU;  // torch takes 'cpu:N' for the one CPU device
    const m = /^cuda(?::(\d+))?$/.exec(d);
    if (m) {
      const g = gpuInfo();
      if (!g.available) throw new BackendUnavailableError(`${String(op)}: cannot use device '${d}': ${g.reason}`);
      const index = m[1] === undefined ? 0 : Number(m[1]);
      if (index >= g.devices.length) {
        throw new DeviceError(`${String(op)}: cannot use device '${d}': this host has ${String(g.devices.length)} GPU(s) (cuda:0 … cuda:${String(g.devices.length - 1)})`);
      }
      return gpuSpec(index);
    }
  }
  throw new DeviceError(`${String(op)}: unknown device ${describeArg(d)} (expected 'cpu', 'cuda' or 'cuda:N')`);
}

/**
 * GPU queries, shaped like `torch.cuda`. `'cuda'` means the GPU of either vendor: NVIDIA (CUDA)
 * or AMD (ROCm/HIP); `vendor()` tells which. The first call looks for the drivers.
 */
export const cuda = {
  /**
   * Whether GPU ops can run on this host: a driver, a device, and kernels for it.
   * `if (fl.cuda.isAvailable()) x = x.to('cuda');`
   */
  isAvailable(): boolean { return gpuInfo().available; },
  /**
   * Number of GPUs the driver sees, even when the backend cannot run on them (see
   * `unavailableReason()`). `fl.cuda.deviceCount() // 0 on a host without a GPU driver`
   */
  deviceCount(): number { return gpuInfo().devices.length; },
  /**
   * The vendor of the GPUs found, or `null` when none was found.
   * `fl.cuda.vendor() // 'nvidia'`
   */
  vendor(): 'nvidia' | 'amd' | null { return gpuInfo().vendor || null; },
  /**
   * The driver's version: CUDA driver API version on NVIDIA (`'13.0'`), HIP runtime version on AMD
   * (`'6.4.43482'`); `null` when no driver sees a GPU.
   */
  driverVersion(): string | null { return gpuInfo().driverVersionString || null; },
  /**
   * Name, vendor, compute capability (NVIDIA) or gfx architecture (AMD), multiprocessors and memory
   * of GPU `device` (an index or `'cuda:N'`, default 0).
   * `fl.cuda.getDeviceProperties(0) // { name: 'NVIDIA H100 80GB HBM3', vendor: 'nvidia', computeCapability: [9, 0], … }`
   */
  getDeviceProperties(device: number | DeviceLike = 0): DeviceProperties {
    const op = 'cuda.getDeviceProperties';
    let index = device = deviceArg(device);
    if (typeof device === 'string') {
      const m = /^cuda(?::(\d+))?$/.exec(device);
      if (!m) throw new DeviceError(`${op}: expected a GPU index or 'cuda:N', got ${describeArg(device)}`);
      index = m[1] === undefined ? 0 : Number(m[1]);
    }
    const g = gpuInfo();
    if (g.devices.length === 0) throw new BackendUnavailableError(`${op}: no GPU found: ${g.reason}`);
    if (!Number.isInteger(index) || (index as number) < 0 || (index as number) >= g.devices.length) {
      throw new IndexError(`${op}: device ${describeArg(device)} is out of range (this host has ${String(g.devices.length)} GPU(s))`);
    }
    const p = g.devices[index as number];
    return { ...p, ...(p.computeCapability ? { computeCapability: [p.computeCapability[0], p.computeCapability[1]] } : {}) };
  },
  /**
   * Why the GPU backend cannot run here, in one line ('' when it can). `flintml doctor` prints it
   * with the whole search log.
   */
  unavailableReason(): string { return gpuInfo().available ? '' : gpuInfo().reason; },
  /**
   * Waits until all work queued on GPU `device` (default: the current one) has finished, and
   * reports any error a kernel raised meanwhile (an out-of-range index, …).
   * `fl.cuda.synchronize()`
   */
  synchronize(device?: number | Device): void {
    const index = device === undefined ? currentDeviceIndex() : gpuIndex(device, 'cuda.synchronize');
    guard(() => binding.gpuSynchronize(index));
  },
  /** The current stream of the current GPU (the default stream unless inside `withStream`). */
  currentStream(): Stream { return streamFromId(guard(() => (requireGpu('cuda.currentStream'), binding.gpuCurrentStream()))); },
  /** The default stream: `fl.cuda.defaultStream()`. */
  defaultStream(): Stream { requireGpu('cuda.defaultStream'); return streamFromId(0); },
  /**
   * Runs `fn` with `stream` as the current stream: every op, copy and allocation it makes is queued
   * there (async functions too: the stream stays current until their promise settles).
   * `fl.cuda.withStream(copyStream, () => batch.to('cuda', { nonBlocking: true }))`
   */
  withStream<T>(stream: Stream, fn: () => T): T {
    if (!(stream instanceof Stream)) throw new ValueError('cuda.withStream: expected a fl.cuda.Stream');
    const prev = guard(() => binding.gpuCurrentStream());
    guard(() => binding.gpuSetCurrentStream(stream.id));
    let result: T;
    try {
      result = fn();
    } catch (e) {
      guard(() => binding.gpuSetCurrentStream(prev));
      throw e;
    }
    if (result instanceof Promise) {
      return result.finally(() => guard(() => binding.gpuSetCurrentStream(prev))) as unknown as T;
    }
    guard(() => binding.gpuSetCurrentStream(prev));
    return result;
  },
  /** Sets the GPU used by ops whose device is just `'cuda'`... and by streams and events made next. */
  setDevice(device: number | Device): void { const i = gpuIndex(device, 'cuda.setDevice'); guard(() => binding.gpuSetDevice(i)); },
  /** The index of the current GPU. */
  currentDevice(): number { return currentDeviceIndex(); },
  Stream: undefined as unknown as typeof Stream,
  Event: undefined as unknown as typeof Event,
};

function requireGpu(op: string): void {
  const g = gpuInfo();
  if (!g.available) throw new BackendUnavailableError(`${op}: no usable GPU: ${g.reason}`);
}

function gpuIndex(device: number | Device, op: string): number {
  requireGpu(op);
  if (typeof device === 'number') {
    if (!Number.isInteger(device) || device < 0 || device >= gpuInfo().devices.length) {
      throw new DeviceError(`${op}: device ${String(device)} is out of range (this host has ${String(gpuInfo().devices.length)} GPU(s))`);
    }
    return device;
  }
  const d = parseDevice(device, op);
  if (d.type !== 1) throw new DeviceError(`${op}: expected a GPU, got ${describeArg(device)}`);
  return d.index;
}

function currentDeviceIndex(): number {
  requireGpu('cuda.currentDevice');
  return guard(() => binding.gpuCurrentDevice());
}

const streamObjects = new Map<number, WeakRef<Stream>>();
function streamFromId(id: number): Stream {
  const w = streamObjects.get(id)?.deref();
  if (w) return w;
  const s = Object.create(Stream.prototype) as Stream;
  (s as { id: number }).id = id;
  streamObjects.set(id, new WeakRef(s));
  return s;
}

const streamRegistry = new FinalizationRegistry<number>((id) => { try { binding.gpuStreamDestroy(id); } catch { /* process exit */ } });
const eventRegistry = new FinalizationRegistry<number>((id) => { try { binding.gpuEventDestroy(id); } catch { /* process exit */ } });

/**
 * A GPU stream: a queue of work that runs in order, concurrently with other streams (PyTorch's
 * `torch.cuda.Stream`). Made streams do not synchronize with the default stream; order them with
 * events. `const s = new fl.cuda.Stream();`
 */
export class Stream {
  /** @internal 0 is the default stream. */
  readonly id!: number;
  constructor(options: { device?: number | Device } = {}) {
    if (options === null || typeof options !== 'object') throw new ValueError(`cuda.Stream: options must be an object ({ device }), got ${describeArg(options)}`);
    const index = options.device === undefined ? currentDeviceIndex() : gpuIndex(options.device, 'cuda.Stream');
    this.id = guard(() => binding.gpuStreamCreate(index));
    streamObjects.set(this.id, new WeakRef(this));
    streamRegistry.register(this, this.id, this);
  }
  /** The GPU index of this stream. */
  get device(): number { return guard(() => binding.gpuStreamDevice(this.id)); }
  /** Blocks until the work queued on this stream so far has finished. */
  synchronize(): void { guard(() => binding.gpuStreamSynchronize(this.id)); }
  /** Whether all work queued so far has finished (never blocks). */
  query(): boolean { return guard(() => binding.gpuStreamQuery(this.id)); }
  /** Work queued on this stream from now on waits for `event`. */
  waitEvent(event: Event): void { needKind(event, Event, 'Stream.waitEvent', 'an Event'); guard(() => binding.gpuStreamWaitEvent(this.id, event.id)); }
  /** Work queued on this stream from now on waits for the work queued on `other` so far. */
  waitStream(other: Stream): void {
    needKind(other, Stream, 'Stream.waitStream', 'a Stream');
    const e = new Event();
    e.record(other);
    this.waitEvent(e);
    e.destroy();
  }
  /** Records and returns an event on this stream. */
  recordEvent(event: Event = new Event()): Event { needKind(event, Event, 'Stream.recordEvent', 'an Event'); event.record(this); return event; }
  /** Destroys the stream now (after its queued work); the default stream cannot be destroyed. */
  destroy(): void {
    if (this.id === 0) return;
    streamRegistry.unregister(this);
    guard(() => binding.gpuStreamDestroy(this.id));
  }
}

/**
 * A GPU event: a marker in a stream's work, to wait for or to time with (`torch.cuda.Event`).
 * ```ts
 * const a = new fl.cuda.Event({ enableTiming: true }), b = new fl.cuda.Event({ enableTiming: true });
 * a.record(); y = x.matmul(x); b.record(); b.synchronize(); a.elapsedTime(b) // ms
 * ```
 */
export class Event {
  /** @internal */
  readonly id: number;
  constructor(options: { enableTiming?: boolean } = {}) {
    requireGpu('cuda.Event');
    if (options === null || typeof options !== 'object') throw new ValueError(`cuda.Event: options must be an object ({ enableTiming }), got ${describeArg(options)}`);
    this.id = guard(() => binding.gpuEventCreate(!!options.enableTiming));
    eventRegistry.register(this, this.id, this);
  }
  /** Marks the work queued so far on `stream` (default: the current stream). */
  record(stream?: Stream): void { if (stream !== undefined) needKind(stream, Stream, 'Event.record', 'a Stream'); guard(() => binding.gpuEventRecord(this.id, stream ? stream.id : binding.gpuCurrentStream())); }
  /** Makes `stream` (default: the current stream) wait for this event. */
  wait(stream?: Stream): void { if (stream !== undefined) needKind(stream, Stream, 'Event.wait', 'a Stream'); guard(() => binding.gpuStreamWaitEvent(stream ? stream.id : binding.gpuCurrentStream(), this.id)); }
  /** Blocks until the recorded work has finished. */
  synchronize(): void { guard(() => binding.gpuEventSynchronize(this.id)); }
  /** Whether the recorded work has finished (never blocks). */
  query(): boolean { return guard(() => binding.gpuEventQuery(this.id)); }
  /** Milliseconds between this event and `end` (both recorded, made with enableTiming). */
  elapsedTime(end: Event): number { needKind(end, Event, 'Event.elapsedTime', 'an Event'); return guard(() => binding.gpuEventElapsed(this.id, end.id)); }
  /** Releases the event now. */
  destroy(): void { eventRegistry.unregister(this); guard(() => binding.gpuEventDestroy(this.id)); }
}

cuda.Stream = Stream;
cuda.Event = Event;
