// caching-allocator.test.ts — the GPU caching allocator (native/gpu/caching_allocator.*) driven over
// a fake device through the test addon's hooks (test/addon/allocator_hooks.cpp), so
// that its logic is checked on every CI run, GPU or not. The reference is PyTorch's
// CUDACachingAllocator rules, restated independently below (expectedBlock), and invariants that
// any correct allocator keeps (live blocks never overlap, segments are covered by their blocks,
// allocated <= reserved <= capacity, counters match what the test did).
import { execFileSync } from 'child_process';
import * as path from 'path';
import fc from 'fast-check';
import { FlintError, fromNative, OutOfMemoryError, ValueError } from '../lib/errors';
import { FakeAllocatorConfig, testAddon, testAddonPath } from './test-addon';

const KiB = 1024;
const MiB = 1024 * 1024;

interface Stats {
  allocatedBytes: number; reservedBytes: number; peakAllocatedBytes: number; peakReservedBytes: number;
  numAllocs: number; numFrees: number; cacheHits: number; cacheMisses: number; numSegments: number;
  numOoms: number; memoryLimit: number;
  device: { usedBytes: number; rawAllocs: number; rawFrees: number; syncs: number; badCalls: number; liveEvents: number };
}
interface BlockInfo { ptr: number; size: number; state: 'allocated' | 'free' | 'pendingFree' }
interface SegmentInfo { ptr: number; size: number; stream: number; small: boolean; blocks: BlockInfo[] }
type Config = FakeAllocatorConfig;
const tb = testAddon();

function native<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw fromNative(e);
  }
}

const open: FakeAllocator[] = [];
afterEach(() => {
  while (open.length) open.pop()!.destroy();
});

/** A CachingAllocator over a fake device of `capacity` bytes; streams are small integers. */
class FakeAllocator {
  readonly id: number;
  constructor(cfg: Config) {
    this.id = native(() => tb._fakeAllocatorCreate(cfg));
    open.push(this);
  }
  private op<T>(o: Record<string, unknown>): T { return native(() => tb._fakeAllocatorOp(this.id, o) as T); }
  alloc(bytes: number, stream = 0): { ptr: number; size: number } { return this.op({ op: 'alloc', bytes, stream }); }
  free(ptr: number): void { this.op({ op: 'free', ptr }); }
  recordStream(ptr: number, stream: number): void { this.op({ op: 'recordStream', ptr, stream }); }
  completeStream(stream: number): void { this.op({ op: 'completeStream', stream }); }
  failDevice(count: number): void { this.op({ op: 'failDevice', count }); }
  emptyCache(): void { this.op({ op: 'emptyCache' }); }
  resetPeak(): void { this.op({ op: 'resetPeak' }); }
  setLimit(bytes: number): void { this.op({ op: 'setLimit', bytes }); }
  stats(): Stats { return this.op({ op: 'stats' }); }
  snapshot(): SegmentInfo[] { return this.op({ op: 'snapshot' }); }
  segmentOf(ptr: number): SegmentInfo {
    const s = this.snapshot().find((g) => ptr >= g.ptr && ptr < g.ptr + g.size);
    if (!s) throw new Error(`no segment holds ${ptr}`);
    return s;
  }
  destroy(): void { native(() => tb._fakeAllocatorDestroy(this.id)); }
}

// PyTorch's rules, restated: 512 B granularity; <= 1 MiB: small pool, 2 MiB segments, split when
// >= 512 B remain; larger: 20 MiB segments below 10 MiB, else own segment rounded to 2 MiB, split
// only when more than 1 MiB remains.
function expectedBlock(bytes: number): { rounded: number; size: number; segment: number; small: boolean } {
  const rounded = Math.max(512, Math.ceil(bytes / 512) * 512);
  const small = rounded <= MiB;
  const segment = small ? 2 * MiB : rounded < 10 * MiB ? 20 * MiB : Math.ceil(rounded / (2 * MiB)) * 2 * MiB;
  const rest = segment - rounded;
  const split = small ? rest >= 512 : rest > MiB;
  return { rounded, size: split ? rounded : segment, segment, small };
}

/** Structural invariants of the snapshot against the allocator's stats and the fake device. */
function checkInvariants(a: FakeAllocator, capacity: number): { stats: Stats; segs: SegmentInfo[] } {
  const stats = a.stats();
  const segs = a.snapshot();
  let reserved = 0;
  let allocated = 0;
  for (const s of segs) {
    reserved += s.size;
    let at = s.ptr;
    let prevFree = false;
    for (const b of s.blocks) {
      expect(b.ptr).toBe(at);                      // blocks tile the segment, in order
      expect(b.size % 512).toBe(0);
      expect(b.size).toBeGreaterThan(0);
      const free = b.state === 'free';
      expect(prevFree && free).toBe(false);        // free neighbours are always merged
      prevFree = free;
      if (b.state === 'allocated') allocated += b.size;
      at += b.size;
    }
    expect(at).toBe(s.ptr + s.size);
  }
  expect(stats.reservedBytes).toBe(reserved);
  expect(stats.device.usedBytes).toBe(reserved);
  expect(stats.allocatedBytes).toBe(allocated);
  expect(stats.numSegments).toBe(segs.length);
  expect(stats.allocatedBytes).toBeLessThanOrEqual(stats.reservedBytes);
  expect(stats.reservedBytes).toBeLessThanOrEqual(capacity);
  if (stats.memoryLimit) expect(stats.reservedBytes).toBeLessThanOrEqual(stats.memoryLimit);
  expect(stats.peakAllocatedBytes).toBeGreaterThanOrEqual(stats.allocatedBytes);
  expect(stats.peakReservedBytes).toBeGreaterThanOrEqual(stats.reservedBytes);
  expect(stats.cacheHits + stats.cacheMisses).toBe(stats.numAllocs);
  expect(stats.device.badCalls).toBe(0);
  return { stats, segs };
}

describe('caching allocator: sizes and pools', () => {
  test('requests are rounded to 512 B and served from small (2 MiB) or large segments', () => {
    const a = new FakeAllocator({ capacity: 1 << 30 });
    const cases = [1, 511, 512, 513, 4000, MiB - 1, MiB, MiB + 1, 3 * MiB, 9.5 * MiB, 10 * MiB - 1,
      10 * MiB, 15 * MiB + 1, 19 * MiB + 7, 64 * MiB];
    for (const bytes of cases) {
      const e = expectedBlock(bytes);
      const { ptr, size } = a.alloc(bytes);
      const seg = a.segmentOf(ptr);
      expect({ bytes, size, segment: seg.size, small: seg.small, start: ptr === seg.ptr })
        .toEqual({ bytes, size: e.size, segment: e.segment, small: e.small, start: true });
      a.free(ptr);
      a.emptyCache();
      expect(a.stats().reservedBytes).toBe(0);
    }
    expect(a.alloc(0).ptr).toBe(0); // as PyTorch: no memory for 0 bytes
    a.free(0);
  });

  test('the same rules hold for random sizes (property)', () => {
    const a = new FakeAllocator({ capacity: 1 << 30 });
    fc.assert(fc.property(fc.integer({ min: 1, max: 48 * MiB }), (bytes) => {
      const e = expectedBlock(bytes);
      const { ptr, size } = a.alloc(bytes);
      const seg = a.segmentOf(ptr);
      a.free(ptr);
      a.emptyCache();
      return size === e.size && seg.size === e.segment && seg.small === e.small;
    }), { numRuns: 200 });
  });

  test('small requests never come from the large pool and vice versa', () => {
    const a = new FakeAllocator({ capacity: 1 << 30 });
    const big = a.alloc(4 * MiB);  // 20 MiB large segment, 16 MiB left free in it
    const small = a.alloc(64 * KiB);
    expect(a.segmentOf(small.ptr).small).toBe(true);
    expect(a.segmentOf(small.ptr).ptr).not.toBe(a.segmentOf(big.ptr).ptr);
    a.free(small.ptr);                // 2 MiB small segment now free
    const big2 = a.alloc(1.5 * MiB);  // fits the free small segment's size, but is a large request
    expect(a.segmentOf(big2.ptr).ptr).toBe(a.segmentOf(big.ptr).ptr);
    expect(a.stats().numSegments).toBe(2);
  });
});

describe('caching allocator: reuse and streams', () => {
  test('a block freed on stream S is reused at once by the next request on S (cache hit)', () => {
    const a = new FakeAllocator({ capacity: 1 << 30 });
    const p = a.alloc(4096, 1).ptr;
    a.free(p);
    expect(a.alloc(4096, 1).ptr).toBe(p);
    const s = a.stats();
    expect([s.numAllocs, s.cacheHits, s.cacheMisses, s.device.rawAllocs]).toEqual([2, 1, 1, 1]);
  });

  test('free blocks are not served to requests on another stream', () => {
    const a = new FakeAllocator({ capacity: 1 << 30 });
    const p = a.alloc(4096, 1).ptr;
    a.free(p);
    const q = a.alloc(4096, 2).ptr;
    expect(a.segmentOf(q).ptr).not.toBe(a.segmentOf(p).ptr);
    expect(a.segmentOf(q).stream).toBe(2);
    expect(a.stats().cacheMisses).toBe(2);
    expect(a.stats().device.rawAllocs).toBe(2);
  });

  test('a block used on another stream is reused only after that stream passed the free', () => {
    const a = new FakeAllocator({ capacity: 1 << 30 });
    const p = a.alloc(4096, 1).ptr;
    a.recordStream(p, 2);
    a.completeStream(2);  // work before the free does not count: the event is recorded at free time
    a.free(p);
    expect(a.segmentOf(p).blocks[0]).toEqual({ ptr: p, size: 4096, state: 'pendingFree' });
    const q = a.alloc(4096, 1).ptr;  // not p: carved from the rest of the segment
    expect(q).not.toBe(p);
    a.free(q);
    expect(a.alloc(4096, 1).ptr).toBe(q);  // q had no other stream: reused at once
    a.completeStream(2);
    expect(a.alloc(4096, 1).ptr).toBe(p);  // now p is free again (best fit: its 4 KiB hole)
    expect(a.stats().device.syncs).toBe(0);  // never waited
  });

  test('every recorded stream must pass the free; the own stream needs no event', () => {
    const a = new FakeAllocator({ capacity: 1 << 30 });
    const p = a.alloc(8192, 0).ptr;
    const keep = a.alloc(8192, 0).ptr;  // keeps the segment in use
    a.recordStream(p, 0);  // its own stream: nothing to wait for
    a.free(p);
    expect(a.stats().device.liveEvents).toBe(0);
    const p2 = a.alloc(8192, 0).ptr;
    expect(p2).toBe(p);
    a.recordStream(p2, 3);
    a.recordStream(p2, 4);
    a.recordStream(p2, 3);  // once per stream
    a.free(p2);
    expect(a.stats().device.liveEvents).toBe(2);
    a.completeStream(3);
    expect(a.alloc(8192, 0).ptr).not.toBe(p);
    a.completeStream(4);
    expect(a.alloc(8192, 0).ptr).toBe(p);
    // events are pooled: many cross-stream frees do not create more events
    for (let i = 0; i < 20; i++) {
      const x = a.alloc(1024, 0).ptr;
      a.recordStream(x, 5);
      a.free(x);
      a.completeStream(5);
    }
    expect(a.stats().device.liveEvents).toBeLessThanOrEqual(3);
    a.free(keep);
  });

  test('emptyCache waits for pending cross-stream frees, then releases their segments', () => {
    const a = new FakeAllocator({ capacity: 1 << 30 });
    const p = a.alloc(30 * MiB, 1).ptr;
    a.recordStream(p, 2);
    a.free(p);
    expect(a.stats().reservedBytes).toBe(30 * MiB);
    a.emptyCache();
    const s = a.stats();
    expect([s.reservedBytes, s.device.syncs, s.device.rawFrees]).toEqual([0, 1, 1]);
  });

  test('misuse is a ValueError: double free, unknown address', () => {
    const a = new FakeAllocator({ capacity: 1 << 30 });
    const p = a.alloc(100).ptr;
    a.free(p);
    expect(() => a.free(p)).toThrow(ValueError);
    expect(() => a.recordStream(p + 512, 1)).toThrow(/not allocated by this allocator/);
    expect(a.stats().numFrees).toBe(1);
  });
});

describe('caching allocator: splitting, merging, best fit', () => {
  const orders = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
  test.each(orders)('three blocks of one segment freed in order %i %i %i merge back into one', (...order) => {
    const a = new FakeAllocator({ capacity: 1 << 30 });
    const ptrs = [0, 1, 2].map(() => a.alloc(256 * KiB).ptr);
    const base = ptrs[0];
    expect(ptrs).toEqual([base, base + 256 * KiB, base + 512 * KiB]);  // split off one 2 MiB segment
    expect(a.segmentOf(base).blocks.map((b) => [b.size, b.state])).toEqual([
      [256 * KiB, 'allocated'], [256 * KiB, 'allocated'], [256 * KiB, 'allocated'], [1280 * KiB, 'free']]);
    for (const i of order) {
      a.free(ptrs[i]);
      checkInvariants(a, 1 << 30);  // among others: no two free neighbours
    }
    expect(a.segmentOf(base).blocks).toEqual([{ ptr: base, size: 2 * MiB, state: 'free' }]);
    expect(a.stats().device.rawFrees).toBe(0);
    a.emptyCache();
    const s = a.stats();
    expect([s.reservedBytes, s.numSegments, s.device.rawFrees, s.device.usedBytes]).toEqual([0, 0, 1, 0]);
  });

  test('a freed block between live blocks becomes a hole; emptyCache keeps partly used segments', () => {
    const a = new FakeAllocator({ capacity: 1 << 30 });
    const [x, y, z] = [100, 200, 300].map((k) => a.alloc(k * KiB).ptr);
    a.free(y);
    expect(a.segmentOf(x).blocks.map((b) => b.state)).toEqual(['allocated', 'free', 'allocated', 'free']);
    a.emptyCache();
    expect(a.stats().reservedBytes).toBe(2 * MiB);
    a.free(x);
    a.free(z);
    a.emptyCache();
    expect(a.stats().reservedBytes).toBe(0);
  });

  test('best fit in the small pool: the smallest hole that fits', () => {
    const a = new FakeAllocator({ capacity: 1 << 30 });
    const p = [100, 300, 100, 200, 100].map((k) => a.alloc(k * KiB).ptr);
    a.free(p[1]);  // a 300 KiB hole
    a.free(p[3]);  // a 200 KiB hole; and ~1.2 MiB free at the end of the segment
    const q = a.alloc(150 * KiB).ptr;
    expect(q).toBe(p[3]);
    const r = a.alloc(250 * KiB).ptr;
    expect(r).toBe(p[1]);
    expect(a.stats().device.rawAllocs).toBe(1);
  });

  test('best fit in the large pool: the smallest free segment that fits', () => {
    const a = new FakeAllocator({ capacity: 1 << 30 });
    const [s12, s16, s14] = [12, 16, 14].map((m) => a.alloc(m * MiB).ptr);
    [s16, s12, s14].forEach((p) => a.free(p));
    const q = a.alloc(13 * MiB);
    expect(q.ptr).toBe(s14);
    expect(q.size).toBe(14 * MiB);  // 1 MiB left over is not split off in the large pool
    const r = a.alloc(8 * MiB);     // the 12 MiB segment; 4 MiB left over is split off
    expect([r.ptr, r.size]).toEqual([s12, 8 * MiB]);
    expect(a.stats().device.rawAllocs).toBe(3);
  });
});

describe('caching allocator: statistics', () => {
  test('counters and peaks follow a known sequence', () => {
    const a = new FakeAllocator({ capacity: 1 << 30 });
    const p = a.alloc(1000).ptr;         // 1024 B, new 2 MiB segment
    const q = a.alloc(12 * MiB).ptr;     // new 12 MiB segment
    let s = a.stats();
    expect([s.allocatedBytes, s.reservedBytes, s.numAllocs, s.cacheMisses, s.cacheHits, s.numSegments])
      .toEqual([1024 + 12 * MiB, 14 * MiB, 2, 2, 0, 2]);
    a.free(q);
    const r = a.alloc(11 * MiB).ptr;     // cache hit in the 12 MiB segment, 1 MiB not split off
    a.free(r);
    a.free(p);
    s = a.stats();
    expect([s.allocatedBytes, s.reservedBytes, s.peakAllocatedBytes, s.peakReservedBytes])
      .toEqual([0, 14 * MiB, 1024 + 12 * MiB, 14 * MiB]);
    expect([s.numAllocs, s.numFrees, s.cacheHits, s.cacheMisses, s.numOoms]).toEqual([3, 3, 1, 2, 0]);
    a.emptyCache();
    a.resetPeak();
    s = a.stats();
    expect([s.reservedBytes, s.peakAllocatedBytes, s.peakReservedBytes, s.numSegments]).toEqual([0, 0, 0, 0]);
    a.alloc(5000);
    s = a.stats();
    expect([s.allocatedBytes, s.peakAllocatedBytes, s.peakReservedBytes]).toEqual([5120, 5120, 2 * MiB]);
  });
});

describe('caching allocator: limit and out of memory', () => {
  test('setMemoryLimit caps reserved bytes; the cache is released to stay under it', () => {
    const a = new FakeAllocator({ capacity: 1 << 30 });
    a.setLimit(32 * MiB);
    const x = a.alloc(20 * MiB).ptr;
    const y = a.alloc(12 * MiB).ptr;
    expect(a.stats().reservedBytes).toBe(32 * MiB);
    expect(() => a.alloc(4096)).toThrow(OutOfMemoryError);
    let msg = '';
    try { a.alloc(4096); } catch (e) { msg = (e as Error).message; }
    expect(msg).toMatch(/tried to allocate 4.00 KiB \(4096 bytes\)/);
    expect(msg).toMatch(/memory limit of 32.00 MiB/);
    a.free(y);                       // cached, in the large pool: a small request cannot use it...
    const small = a.alloc(4096).ptr; // ...so it is released to make room under the limit
    let s = a.stats();
    expect([s.reservedBytes, s.numOoms, s.device.rawFrees]).toEqual([22 * MiB, 2, 1]);
    a.setLimit(0);                   // no limit
    a.alloc(500 * MiB);
    s = a.stats();
    expect(s.reservedBytes).toBe(522 * MiB);
    a.free(x);
    a.free(small);
  });

  test('the limit can be given as a size string (K/M/G/T are powers of 1024)', () => {
    const cases: [string, number][] = [
      ['1073741824', 1 << 30], ['8G', 8 * 1024 * MiB], ['512m', 512 * MiB], ['64KiB', 64 * KiB],
      [' 2 GB ', 2 * 1024 * MiB], ['100b', 100], ['1T', 1024 * 1024 * MiB], ['1.5M', 1.5 * MiB]];
    for (const [text, bytes] of cases) {
      expect([text, new FakeAllocator({ capacity: 1 << 30, limit: text }).stats().memoryLimit]).toEqual([text, bytes]);
    }
    for (const bad of ['lots', '8X', '1.2.3G', 'G', '-5M', '8 G B', '']) {
      expect(() => new FakeAllocator({ capacity: 1 << 30, limit: bad })).toThrow(ValueError);
    }
    expect(() => new FakeAllocator({ capacity: 1 << 30, limit: '8X' })).toThrow(/limit: cannot read '8X' as a size/);
  });

  test('FLINT_GPU_MEMORY_LIMIT sets the limit (read from the real environment, in a child process)', () => {
    // jest gives each test file a copy of process.env, so getenv() in the addon would not see an
    // assignment here: a plain node child sets the variable for real and reports what was read.
    const script = `
      const path = require('path');
      const b = require(process.argv[2]);
      const out = JSON.parse(process.argv[1]).map((text) => {
        if (text === null) delete process.env.FLINT_GPU_MEMORY_LIMIT; else process.env.FLINT_GPU_MEMORY_LIMIT = text;
        try {
          const id = b._fakeAllocatorCreate({ capacity: 1, limitFromEnv: true });
          const limit = b._fakeAllocatorOp(id, { op: 'stats' }).memoryLimit;
          b._fakeAllocatorDestroy(id);
          return limit;
        } catch (e) { return e.code + ': ' + e.message; }
      });
      process.stdout.write(JSON.stringify(out));`;
    const cases = ['6G', '48M', '', null, 'plenty'];
    const out = execFileSync(process.execPath, ['-e', script, JSON.stringify(cases), testAddonPath()],
      { cwd: path.resolve(__dirname, '..'), encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual([6 * 1024 * MiB, 48 * MiB, 0, 0,
      "ValueError: FLINT_GPU_MEMORY_LIMIT: cannot read 'plenty' as a size in bytes (examples: 8G, 512M, 1.5GiB, 1073741824)"]);
  });

  test('out of memory: free the cache, then ask the callback, then retry', () => {
    const calls: number[] = [];
    let onOom: (bytes: number) => void = () => undefined;
    const a = new FakeAllocator({ capacity: 64 * MiB, onOutOfMemory: (b) => { calls.push(b); onOom(b); } });
    const [x, y, z, w] = [0, 1, 2, 3].map(() => a.alloc(12 * MiB).ptr);  // 4 segments, 48 MiB
    a.free(x);
    // 24 MiB needs a new segment; 48 + 24 > 64: the cached x segment is released first
    const big = a.alloc(24 * MiB).ptr;
    let s = a.stats();
    expect([s.reservedBytes, s.device.rawFrees, calls.length]).toEqual([60 * MiB, 1, 0]);
    // 16 MiB: no room even with an empty cache; the callback (JS's garbage collection) frees y and z
    onOom = () => { a.free(y); a.free(z); };
    const c = a.alloc(16 * MiB).ptr;
    s = a.stats();
    expect(calls).toEqual([16 * MiB]);
    expect([s.reservedBytes, s.allocatedBytes, s.device.rawFrees, s.numOoms]).toEqual([52 * MiB, 52 * MiB, 3, 0]);
    // a request that cannot be met: the callback runs once more, then OutOfMemoryError with stats
    onOom = () => undefined;
    let err: unknown;
    try { a.alloc(100 * MiB + 1); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(OutOfMemoryError);
    expect(err).toBeInstanceOf(FlintError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/out of memory on fake device: tried to allocate 100.00 MiB \(104857601 bytes\)/);
    expect(msg).toMatch(/fake device has no room for a new segment of 102.00 MiB/);
    expect(msg).toMatch(/52.00 MiB allocated, 52.00 MiB reserved in 3 segments/);
    expect(msg).toMatch(/1 out-of-memory errors/);
    expect(calls).toEqual([16 * MiB, 100 * MiB + 512]);
    // still usable
    const tiny = a.alloc(4096).ptr;
    s = a.stats();
    expect([s.numOoms, s.reservedBytes]).toEqual([1, 54 * MiB]);
    [w, big, c, tiny].forEach((p) => a.free(p));
    a.emptyCache();
    expect(a.stats().device.usedBytes).toBe(0);
  });

  test('out of memory waits for pending cross-stream frees before giving up', () => {
    const a = new FakeAllocator({ capacity: 24 * MiB });
    const p = a.alloc(20 * MiB, 1).ptr;
    a.recordStream(p, 2);
    a.free(p);  // pending until stream 2 passes the free
    const q = a.alloc(20 * MiB, 1);
    expect(q.ptr).toBe(p);  // the allocator waited on the event and reused the block
    const s = a.stats();
    expect([s.device.syncs, s.device.rawAllocs, s.numOoms]).toEqual([1, 1, 0]);
  });

  test('a failing device gives OutOfMemoryError; the allocator recovers when it does not', () => {
    const a = new FakeAllocator({ capacity: 1 << 30 });
    a.failDevice(-1);
    expect(() => a.alloc(1)).toThrow(/out of memory on fake device.*has no room/);
    a.failDevice(1);  // one failure: the retry after emptyCache gets the memory
    expect(a.alloc(1).size).toBe(512);
    expect(() => a.alloc(2 ** 60)).toThrow(OutOfMemoryError);
    expect(a.stats().numOoms).toBe(2);
    expect(() => a.alloc(3 * MiB)).not.toThrow();
  });

  test('an exception thrown by the callback reaches the caller and leaves the allocator usable', () => {
    const a = new FakeAllocator({ capacity: 4 * MiB, onOutOfMemory: () => { throw new Error('from callback'); } });
    expect(() => a.alloc(8 * MiB)).toThrow('from callback');
    expect(a.alloc(1024).size).toBe(1024);
    checkInvariants(a, 4 * MiB);
  });
});

describe('caching allocator: random sequences (property)', () => {
  type Cmd =
    | { kind: 'alloc'; bytes: number; stream: number }
    | { kind: 'free'; pick: number }
    | { kind: 'record'; pick: number; stream: number }
    | { kind: 'complete'; stream: number }
    | { kind: 'empty' };
  const size = fc.oneof(
    { arbitrary: fc.integer({ min: 1, max: 64 * KiB }), weight: 4 },
    { arbitrary: fc.integer({ min: 64 * KiB, max: 2 * MiB }), weight: 2 },
    { arbitrary: fc.integer({ min: 2 * MiB, max: 24 * MiB }), weight: 1 });
  const stream = fc.integer({ min: 0, max: 2 });
  const cmd: fc.Arbitrary<Cmd> = fc.oneof(
    { arbitrary: fc.record({ kind: fc.constant('alloc' as const), bytes: size, stream }), weight: 5 },
    { arbitrary: fc.record({ kind: fc.constant('free' as const), pick: fc.nat() }), weight: 4 },
    { arbitrary: fc.record({ kind: fc.constant('record' as const), pick: fc.nat(), stream }), weight: 2 },
    { arbitrary: fc.record({ kind: fc.constant('complete' as const), stream }), weight: 1 },
    { arbitrary: fc.record({ kind: fc.constant('empty' as const) }), weight: 1 });

  test('live blocks never overlap, accounting holds, and everything is returned at the end', () => {
    fc.assert(fc.property(fc.array(cmd, { maxLength: 60 }), fc.option(fc.integer({ min: 8, max: 80 })), (cmds, limitMiB) => {
      const capacity = 64 * MiB;
      const a = new FakeAllocator({ capacity, limit: limitMiB === null ? 0 : limitMiB * MiB });
      const limit = Math.min(capacity, limitMiB === null ? Infinity : limitMiB * MiB);
      const live: { ptr: number; size: number; bytes: number; stream: number }[] = [];
      let allocs = 0;
      let frees = 0;
      let ooms = 0;
      for (const c of cmds) {
        if (c.kind === 'alloc') {
          try {
            const { ptr, size } = a.alloc(c.bytes, c.stream);
            expect(size).toBeGreaterThanOrEqual(c.bytes);
            expect(a.segmentOf(ptr).stream).toBe(c.stream);
            live.push({ ptr, size, bytes: c.bytes, stream: c.stream });
            allocs++;
          } catch (e) {
            expect(e).toBeInstanceOf(OutOfMemoryError);
            ooms++;
            // a genuine OOM: no free block of that stream and pool fits, and no new segment fits
            const e2 = expectedBlock(c.bytes);
            const { stats, segs } = checkInvariants(a, capacity);
            expect(stats.reservedBytes + e2.segment).toBeGreaterThan(limit);
            for (const s of segs) {
              if (s.stream !== c.stream || s.small !== e2.small) continue;
              for (const b of s.blocks) if (b.state === 'free') expect(b.size).toBeLessThan(e2.rounded);
            }
          }
        } else if (c.kind === 'free' && live.length) {
          const [b] = live.splice(c.pick % live.length, 1);
          a.free(b.ptr);
          frees++;
        } else if (c.kind === 'record' && live.length) {
          a.recordStream(live[c.pick % live.length].ptr, c.stream);
        } else if (c.kind === 'complete') {
          a.completeStream(c.stream);
        } else if (c.kind === 'empty') {
          a.emptyCache();
        }
        const { stats, segs } = checkInvariants(a, capacity);
        // live blocks: each is an allocated block of the snapshot, and no two overlap
        const sorted = [...live].sort((p, q) => p.ptr - q.ptr);
        for (let i = 1; i < sorted.length; i++) expect(sorted[i - 1].ptr + sorted[i - 1].size).toBeLessThanOrEqual(sorted[i].ptr);
        const allocatedBlocks = new Map<number, number>();
        for (const s of segs) for (const b of s.blocks) if (b.state === 'allocated') allocatedBlocks.set(b.ptr, b.size);
        expect(allocatedBlocks.size).toBe(live.length);
        for (const b of live) expect(allocatedBlocks.get(b.ptr)).toBe(b.size);
        expect([stats.numAllocs, stats.numFrees, stats.numOoms]).toEqual([allocs, frees, ooms]);
      }
      for (const b of live) a.free(b.ptr);
      a.emptyCache();
      const s = a.stats();
      expect([s.allocatedBytes, s.reservedBytes, s.numSegments, s.device.usedBytes]).toEqual([0, 0, 0, 0]);
      expect(s.device.rawAllocs).toBe(s.device.rawFrees);
      open.splice(open.indexOf(a), 1);
      a.destroy();
    }), { numRuns: 150 });
  });
});
