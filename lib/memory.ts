// memory.ts — what a program can see of its memory: live tensors and bytes per device.
import { describeArg } from './arity';
import { parseDevice } from './device';
import { DeviceError, ValueError } from './errors';
import { binding, guard } from './native';
import { collectGarbage, liveTensorCount } from './tensor';

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
  /**
   * Runs a full garbage collection and frees, now, the GPU memory of tensors that nothing references
   * any more (their finalizers would only run at a later turn of the event loop). The GPU allocator
   * does this by itself before it reports out-of-memory. `fl.memory.collectGarbage()`
   */
  collectGarbage(): void { collectGarbage(); },
  /** Returns cached (freed) blocks to the system: `fl.memory.emptyCache()`. */
  emptyCache(device: string = 'cpu'): void {
    binding.emptyCache(parseDevice(device, 'memory.emptyCache').type);
  },
  resetPeakStats(device: string = 'cpu'): void {
    binding.resetPeak(parseDevice(device, 'memory.resetPeakStats').type);
  },
  /**
   * Caps the GPU memory the caching allocator holds (reserved bytes) at `bytes` (0: no limit); also
   * `FLINT_GPU_MEMORY_LIMIT=8G`. An allocation past it frees the cache, collects garbage tensors,
   * retries, then throws OutOfMemoryError. `fl.memory.setMemoryLimit(4 * 2 ** 30)`
   */
  setMemoryLimit(bytes: number, device: string = 'cuda'): void {
    if (!Number.isSafeInteger(bytes) || bytes < 0) throw new ValueError(`memory.setMemoryLimit: expected a byte count >= 0, got ${describeArg(bytes)}`);
    if (parseDevice(device, 'memory.setMemoryLimit').type !== 1) throw new ValueError('memory.setMemoryLimit: only GPU memory has a limit');
    guard(() => binding.gpuSetMemoryLimit(bytes));
  },
  /** The GPU memory limit in bytes (0: none). */
  getMemoryLimit(device: string = 'cuda'): number {
    parseDevice(device, 'memory.getMemoryLimit');
    return guard(() => binding.gpuMemoryLimit());
  },
  /**
   * The GPU caching allocator's full statistics for GPU `index`: reserved/allocated bytes and their
   * peaks, segments, cache hits and misses, out-of-memory events, cached pinned host bytes.
   */
  allocatorStats(index = 0): Record<string, number> {
    if (!Number.isInteger(index) || index < 0) throw new DeviceError(`memory.allocatorStats: expected a GPU index (an integer >= 0), got ${describeArg(index)}`);
    parseDevice(`cuda:${String(index)}`, 'memory.allocatorStats');
    return guard(() => binding.gpuAllocatorStats(index));
  },
};
