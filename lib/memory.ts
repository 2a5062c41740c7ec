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
  /** Bytes of freed large blocks the allocator keeps for reuse (`emptyCache()` releases them). */
  cachedBytes: number;
  /** allocatedBytes + cachedBytes: what the process holds from the system for tensors. */
  reservedBytes: number;
  /** Allocations served from the cache. */
  cacheHits: number;
}

/**
 * Memory statistics and control: `fl.memory.stats()` (CPU) or `fl.memory.stats('cuda')`;
 * large CPU blocks are cached for reuse (see native/core/storage.cpp) until `emptyCache()`.
 * ```ts
 * const before = fl.memory.stats().liveTensors;
 * ```
 */
export const memory = {
  stats(device: string = 'cpu'): MemoryStats {
    const d = parseDevice(device, 'memory.stats');
    return { liveTensors: liveTensorCount(), ...binding.stats(d.type) };
  },
  /** Returns cached (freed) blocks to the system: `fl.memory.emptyCache()`. */
  emptyCache(device: string = 'cpu'): void {
    binding.emptyCache(parseDevice(device, 'memory.emptyCache').type);
  },
  resetPeakStats(device: string = 'cpu'): void {
    binding.resetPeak(parseDevice(device, 'memory.resetPeakStats').type);
  },
};
