// memory.ts — what a program can see of its memory: live tensors and bytes per device.
import { parseDevice } from './device';
import { binding } from './native';
import { liveTensorCount } from './tensor';

/** Memory statistics of one device. */
export interface MemoryStats {
  /** Tensors made and not yet disposed or collected (all devices). */
  liveTensors: number;
  /** Bytes held by live storages on the device. */
  allocatedBytes: number;
  /** Highest `allocatedBytes` since start or `resetPeakStats()`. */
  peakAllocatedBytes: number;
  /** Number of storage allocations and frees so far. */
  numAllocs: number;
  numFrees: number;
}

/**
 * Memory statistics: `fl.memory.stats()` (CPU) or `fl.memory.stats('cuda')`.
 * ```ts
 * const before = fl.memory.stats().liveTensors;
 * ```
 */
export const memory = {
  stats(device: string = 'cpu'): MemoryStats {
    const d = parseDevice(device, 'memory.stats');
    return { liveTensors: liveTensorCount(), ...binding.stats(d.type) };
  },
  resetPeakStats(device: string = 'cpu'): void {
    binding.resetPeak(parseDevice(device, 'memory.resetPeakStats').type);
  },
};
