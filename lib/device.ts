// device.ts — device names ('cpu', 'cuda', 'cuda:N') and the `cuda` namespace. This build has
// the CPU backend only; asking for a GPU throws BackendUnavailableError that says why, never a
// silent move to the CPU.
import { BackendUnavailableError, DeviceError } from './errors';

/** A device name: `'cpu'`, `'cuda'` or `'cuda:N'` (the GPU of either vendor, as PyTorch names it). */
export type Device = string;

/** @internal Parsed device: type code as in native/core/tensor.h (0 cpu, 1 cuda) and index. */
export interface DeviceSpec { type: 0 | 1; index: number; name: string }

export const CPU: DeviceSpec = { type: 0, index: 0, name: 'cpu' };

/** @internal Why no GPU backend can be used on this host. */
function gpuUnavailableReason(): string {
  if (process.env.FLINT_BACKEND === 'cpu') return 'FLINT_BACKEND=cpu forces the CPU backend';
  return 'this build of flintml has no GPU backend yet (CUDA and ROCm support are in progress); use device \'cpu\'';
}

/** @internal Parses and validates a device; throws for unknown names and unavailable GPUs. */
export function parseDevice(d: unknown, op = 'device'): DeviceSpec {
  if (d === undefined || d === null || d === 'cpu') return CPU;
  if (typeof d === 'string') {
    const m = /^cuda(?::(\d+))?$/.exec(d);
    if (m) {
      throw new BackendUnavailableError(`${String(op)}: cannot use device '${String(d)}': ${gpuUnavailableReason()}`);
    }
  }
  throw new DeviceError(`${String(op)}: unknown device ${JSON.stringify(d)} (expected 'cpu', 'cuda' or 'cuda:N')`);
}

/** GPU queries, shaped like `torch.cuda`. */
export const cuda = {
  /** Whether a GPU backend can run on this host. `fl.cuda.isAvailable() // false on a CPU-only build` */
  isAvailable(): boolean { return false; },
  /** Number of GPUs the backend sees. */
  deviceCount(): number { return 0; },
  /** Why the GPU is unavailable, for messages and `flintml doctor`. */
  unavailableReason(): string { return gpuUnavailableReason(); },
};
