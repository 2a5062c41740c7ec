// device.ts — device names ('cpu', 'cuda', 'cuda:N') and the `cuda` namespace. GPU discovery
// (native/gpu/device.cpp: the NVIDIA driver, then AMD's HIP runtime, through dlopen) runs on the
// first `fl.cuda.*` call or 'cuda' device request, never at module load, and its answer is cached
// for the process. Asking for a GPU the backend cannot use throws BackendUnavailableError that
// says why, never a silent move to the CPU.
import { BackendUnavailableError, DeviceError, IndexError } from './errors';
import { binding, guard } from './native';

/** A device name: `'cpu'`, `'cuda'` or `'cuda:N'` (the GPU of either vendor, as PyTorch names it). */
export type Device = string;

/** @internal Parsed device: type code as in native/core/tensor.h (0 cpu, 1 cuda) and index. */
export interface DeviceSpec { type: 0 | 1; index: number; name: string }

export const CPU: DeviceSpec = { type: 0, index: 0, name: 'cpu' };

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
export function parseDevice(d: unknown, op = 'device'): DeviceSpec {
  if (d === undefined || d === null || d === 'cpu') return CPU;
  if (typeof d === 'string') {
    const m = /^cuda(?::(\d+))?$/.exec(d);
    if (m) {
      const g = gpuInfo();
      if (!g.available) throw new BackendUnavailableError(`${String(op)}: cannot use device '${d}': ${g.reason}`);
      const index = m[1] === undefined ? 0 : Number(m[1]);
      if (index >= g.devices.length) {
        throw new DeviceError(`${String(op)}: cannot use device '${d}': this host has ${String(g.devices.length)} GPU(s) (cuda:0 … cuda:${String(g.devices.length - 1)})`);
      }
      return { type: 1, index, name: `cuda:${String(index)}` };
    }
  }
  throw new DeviceError(`${String(op)}: unknown device ${JSON.stringify(d)} (expected 'cpu', 'cuda' or 'cuda:N')`);
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
  getDeviceProperties(device: number | Device = 0): DeviceProperties {
    const op = 'cuda.getDeviceProperties';
    let index = device;
    if (typeof device === 'string') {
      const m = /^cuda(?::(\d+))?$/.exec(device);
      if (!m) throw new DeviceError(`${op}: expected a GPU index or 'cuda:N', got ${JSON.stringify(device)}`);
      index = m[1] === undefined ? 0 : Number(m[1]);
    }
    const g = gpuInfo();
    if (g.devices.length === 0) throw new BackendUnavailableError(`${op}: no GPU found: ${g.reason}`);
    if (!Number.isInteger(index) || (index as number) < 0 || (index as number) >= g.devices.length) {
      throw new IndexError(`${op}: device ${String(device)} is out of range (this host has ${String(g.devices.length)} GPU(s))`);
    }
    const p = g.devices[index as number];
    return { ...p, ...(p.computeCapability ? { computeCapability: [p.computeCapability[0], p.computeCapability[1]] } : {}) };
  },
  /**
   * Why the GPU backend cannot run here, in one line ('' when it can). `flintml doctor` prints it
   * with the whole search log.
   */
  unavailableReason(): string { return gpuInfo().available ? '' : gpuInfo().reason; },
};
