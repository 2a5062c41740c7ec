// transfer.ts — how the DataLoader gets a batch where it is asked to go: into pinned (page-locked)
// host memory (`pinMemory`), and onto a GPU (`device: 'cuda'`) ahead of use on a copy stream.
//
// The GPU path follows PyTorch's pin-memory thread + CUDA prefetcher, on one JS thread:
//   1. `pinBatch`: every CPU tensor of the batch that is not pinned is copied into pinned memory
//      (the default collate already unpacks worker output straight into pinned tensors, so this is
//      a no-op for them; `TensorDataset`'s gather and a custom collate cost one host copy).
//   2. `stageBatch`: with the copy stream current, each tensor is copied with
//      `to(device, { nonBlocking: true })` — the device block is allocated on the copy stream and the
//      copy queued there — the pinned sources are disposed at once (the pinned pool keeps a freed
//      block until the copies queued from it have run), and an event is recorded after the copies.
//   3. `handOver`, when the consumer takes the batch: its current stream waits for that event (GPU
//      side: the host never blocks), and every device tensor `recordStream`s the consumer stream,
//      so that the caching allocator does not give the block back to the copy stream while the
//      consumer's kernels may still read it.
// The copy stream is one per GPU for the process (never destroyed): device blocks belong to the
// stream they were allocated on, so a stream made per epoch would strand its cached blocks.
// `fl.cuda.withStream` sets a process-wide current stream, so staging runs synchronously inside it.
import { CPU, DeviceSpec, Event, Stream, cuda } from '../device';
import { ValueError } from '../errors';
import { Tensor } from '../tensor';
import '../ops/views';
import { collectTensors } from './collate';

function isPlain(v: object): boolean {
  const p = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null;
}

/**
 * The batch with every tensor replaced by `fn(t)` (arrays, plain objects and Maps rebuilt; other
 * values kept). `fn` may return `t` itself. On success the tensors that were replaced are disposed
 * (the batch is the loader's until it is handed over); on failure the new tensors and the whole
 * batch are, and the error is rethrown. An object of another class that holds a tensor directly is
 * refused: the loader cannot see inside it, and leaving its tensors behind would be a silent
 * fallback to the wrong device.
 */
export function mapBatch<B>(batch: B, fn: (t: Tensor) => Tensor, what: string): B {
  const seen = new Map<Tensor, Tensor>();
  const walk = (v: unknown, depth: number): unknown => {
    if (v instanceof Tensor) {
      let r = seen.get(v);
      if (!r) { r = fn(v); seen.set(v, r); }
      return r;
    }
    if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) return v;
    if (depth > 16) return v;
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
    if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, walk(x, depth + 1)]));
    if (isPlain(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, depth + 1)]));
    const inside = Object.values(v).filter((x): x is Tensor => x instanceof Tensor);
    if (inside.length > 0) {
      inside.forEach((t) => t.dispose());  // the batch is the loader's: nothing else would free them
      throw new ValueError(`DataLoader: cannot ${what} a batch holding a ${String(v.constructor?.name ?? 'object')} with tensors inside: `
        + 'return tensors, arrays, plain objects or Maps of them from collate');
    }
    return v;
  };
  let out: unknown;
  try {
    out = walk(batch, 0);
  } catch (e) {
    for (const [t, r] of seen) if (r !== t) r.dispose();
    for (const t of collectTensors(batch)) t.dispose();
    throw e;
  }
  const kept = collectTensors(out);
  for (const t of collectTensors(batch)) if (!kept.has(t)) t.dispose();
  return out as B;
}

/** Every CPU tensor of the batch in pinned memory (already pinned ones and GPU tensors are kept). */
export function pinBatch<B>(batch: B): B {
  return mapBatch(batch, (t) => (t._storage.device.type === 0 && !t._storage.pinned ? t.pin() : t), 'pin');
}

/** Every tensor of the batch on the CPU (`device: 'cpu'` with a dataset on a GPU). */
export function cpuBatch<B>(batch: B): B {
  return mapBatch(batch, (t) => (t._storage.device.type === 0 ? t : t.to(CPU.name)), "move to 'cpu'");
}

const copyStreams = new Map<number, Stream>();
/** @internal The DataLoader's copy stream on GPU `index` (made at first use, kept for the process). */
export function copyStreamFor(index: number): Stream {
  let s = copyStreams.get(index);
  if (!s) {
    s = new Stream({ device: index });
    copyStreams.set(index, s);
  }
  return s;
}

/** @internal A batch whose copies to the GPU are queued on the copy stream; `ready` follows them. */
export interface Staged<B> { batch: B; ready: Event }

/** Queues the copies of the batch's tensors to `target` (a GPU) on its copy stream. */
export function stageBatch<B>(batch: B, target: DeviceSpec): Staged<B> {
  const stream = copyStreamFor(target.index);
  // making a stream current also makes its GPU current, and restoring the stream does not restore
  // the GPU: the loop's current device is put back, so that its 'cuda' ops stay where they were
  const device = cuda.currentDevice();
  try {
    return stageOn(batch, target, stream);
  } finally {
    if (cuda.currentDevice() !== device) cuda.setDevice(device);
  }
}

function stageOn<B>(batch: B, target: DeviceSpec, stream: Stream): Staged<B> {
  return cuda.withStream(stream, () => {
    // Dispose of the sources happens in mapBatch, inside withStream: the pinned pool then also
    // records the copy stream's progress at the free (it has noted the copy stream's use already).
    const moved = mapBatch(batch, (t) => (t._storage.device.name === target.name ? t : t.to(target.name, { nonBlocking: true })), `copy to '${target.name}'`);
    let ready: Event;
    try {
      ready = new Event();
      ready.record(stream);
    } catch (e) {
      for (const t of collectTensors(moved)) t.dispose();
      throw e;
    }
    return { batch: moved, ready };
  });
}

/** Makes the consumer's current stream wait for a staged batch and tie its blocks to that stream. */
export function handOver<B>(s: Staged<B>): B {
  try {
    const consumer = cuda.currentStream();
    s.ready.wait(consumer);
    for (const t of collectTensors(s.batch)) if (t._storage.device.type === 1) t.recordStream(consumer);
  } catch (e) {
    release(s);
    throw e;
  }
  s.ready.destroy();
  return s.batch;
}

/** Disposes a staged batch that will not be handed over (early exit, an error) and its event. */
export function release<B>(s: Staged<B>): void {
  for (const t of collectTensors(s.batch)) t.dispose();
  s.ready.destroy();
}
