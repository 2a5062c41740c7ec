// nccl.ts — the process group's GPU engine: NCCL on NVIDIA, RCCL on AMD (the same C API on HIP
// streams), found at run time like every vendor library here (native/gpu/nccl_api.h: FLINT_CUDA_LIBS,
// the loader path, pip's nvidia/nccl/lib; $ROCM_PATH/lib). One communicator per process (one rank per
// GPU), driven through native/gpu/nccl_comm.h:
//   - rank 0 makes the unique id (ncclGetUniqueId) and puts it in the rendezvous store under
//     `<engine>/uniqueId`; the others read it (bounded by timeoutMs); then ncclCommInitRank on the
//     communicator's own thread, with the rank's GPU current there;
//   - every collective is queued on the communicator's stream after the tensor's producers (an event
//     on the compute stream) and the compute stream waits for its end (an event): a call resolves when
//     that is queued, so later ops see the result without the host waiting; the allocator keeps the
//     tensors' blocks until the communication stream is done with them (recordStream);
//   - barrier() and destroy() wait (off the JavaScript thread) until the collectives have run;
//   - a watchdog on the communicator's thread polls ncclCommGetAsyncError and the collectives'
//     events: an asynchronous error, or a collective still running after timeoutMs, aborts the
//     communicator (ncclCommAbort) and every pending and later call rejects with that message (the
//     group turns it into DistributedError naming the op and the rank).
// allGather/reduceScatter take lists of tensors (PyTorch's API) where NCCL takes one buffer: the list
// goes through a temporary buffer, copied on the compute stream.
// allReduceSync/allGatherSync (SyncBatchNorm, which cannot await) queue the same collective the same
// way and return once it is queued, the point where the asynchronous call resolves: the JavaScript
// thread waits for the communicator's thread to enqueue it (bounded by the group's timeout), never
// for the GPU.
import { DistributedError, DTypeError, DeviceError, BackendUnavailableError, ValueError } from '../errors';
import { DTYPE_CODE, ITEMSIZE, type DType } from '../dtype';
import { gpuSpec, parseDevice } from '../device';
import { binding, guard, type Handle } from '../native';
import { contiguousStrides, numel } from '../shape';
import { copyInto, emptyTensor, unscopedView, type Tensor } from '../tensor';
import { div } from '../ops/elementwise';
import type { Engine, EngineInit, EngineName, ReduceOp } from './engine';

/** What the library search found (doctor, errors). */
export interface CollectiveLibraryInfo {
  found: boolean;
  name: 'NCCL' | 'RCCL';
  path: string;
  version: string;
  versionCode: number;
  /** ncclAvg and ncclBfloat16: NCCL 2.10+. */
  avg: boolean;
  bfloat16: boolean;
  /** Why none was found ('' when found). */
  reason: string;
  searchLog: string[];
}

interface NcclBinding {
  ncclInfo(): CollectiveLibraryInfo;
  ncclCommCreate(device: number, timeoutMs: number, cb: (kind: number, ticket: number, message: string, payload?: Uint8Array) => void): number;
  ncclCommUniqueId(id: number): number;
  ncclCommInit(id: number, uniqueId: Uint8Array, nranks: number, rank: number): number;
  ncclCommCollective(id: number, op: number, send: Handle, sendByteOffset: number, recv: Handle, recvByteOffset: number,
    count: number, dtype: number, redop: number, peer: number): number;
  ncclCommCollectiveSync(id: number, op: number, send: Handle, sendByteOffset: number, recv: Handle, recvByteOffset: number,
    count: number, dtype: number, redop: number, peer: number, timeoutMs: number): boolean;
  ncclCommSynchronize(id: number): number;
  ncclCommDestroy(id: number): number;
  ncclCommAbort(id: number, reason: string): void;
  ncclCommStream(id: number): number;
  ncclCommRelease(id: number, destroyStream: boolean): void;
}

function nb(): NcclBinding { return binding as unknown as NcclBinding; }

/** The collective library of this host (searched once; never throws). */
export function ncclInfo(): CollectiveLibraryInfo { return guard(() => nb().ncclInfo()); }

/** `flintml doctor`'s lines about the GPU engine (the MPI engine adds its own in the same shape). */
export function ncclDoctorLines(): string[] {
  let info: CollectiveLibraryInfo;
  try {
    info = ncclInfo();
  } catch (e) {
    return [`distributed: nccl: unavailable — ${(e as Error).message}`];
  }
  const engine = info.name === 'RCCL' ? 'rccl' : 'nccl';
  const lines = [info.found
    ? `distributed: ${engine}: ${info.name} ${info.version} (${info.path})${info.avg ? '' : '; before 2.10: avg runs as sum then a division, no bfloat16'}`
    : `distributed: ${engine}: unavailable — ${info.reason}`];
  for (const l of info.searchLog) lines.push(`  ${info.name} search: ${l}`);
  return lines;
}

// nccl_comm.h's CollectiveOp and NCCL's ncclRedOp_t
const OP = { allReduce: 0, broadcast: 1, allGather: 2, reduceScatter: 3, send: 4, recv: 5 } as const;
const REDOP: Record<ReduceOp, number> = { sum: 0, prod: 1, max: 2, min: 3, avg: 4 };
const DTYPES: readonly DType[] = ['float32', 'float16', 'bfloat16', 'float64', 'int32'];

/** The engine as the factory makes it: the Engine, plus a wait for the work queued so far. */
export interface NcclEngine extends Engine {
  /** Waits (off the JavaScript thread) until every collective queued so far has run on the GPU. */
  synchronize(): Promise<void>;
}

interface Pending { resolve: (payload?: Uint8Array) => void; reject: (e: Error) => void; op: string }

/** One rank's NCCL/RCCL communicator. */
class NcclCommunicatorEngine implements NcclEngine {
  readonly name: EngineName;
  readonly rank: number;
  readonly worldSize: number;
  private readonly id: number;
  private readonly device: number;
  private readonly info: CollectiveLibraryInfo;
  private readonly pending = new Map<number, Pending>();
  private failure: string | null = null;
  private released = false;

  constructor(init: EngineInit, device: number, info: CollectiveLibraryInfo) {
    this.name = info.name === 'RCCL' ? 'rccl' : 'nccl';
    this.rank = init.rank;
    this.worldSize = init.worldSize;
    this.device = device;
    this.info = info;
    this.id = guard(() => nb().ncclCommCreate(device, init.timeoutMs, (kind, ticket, message, payload) => this.onMessage(kind, ticket, message, payload)));
  }

  private onMessage(kind: number, ticket: number, message: string, payload?: Uint8Array): void {
    if (kind === 2) { this.fail(message); return; }
    const p = this.pending.get(ticket);
    if (!p) return;
    this.pending.delete(ticket);
    if (kind === 0) p.resolve(payload);
    else p.reject(new DistributedError(message, p.op, this.rank));
  }

  /** The communicator failed (watchdog, abort): every pending call and every later one rejects. */
  private fail(message: string): void {
    if (this.failure === null) this.failure = message;
    for (const [t, p] of this.pending) {
      this.pending.delete(t);
      p.reject(new DistributedError(message, p.op, this.rank));
    }
  }

  /** Submits a request (its ticket) and waits for its completion message. */
  private request(op: string, submit: () => number): Promise<Uint8Array | undefined> {
    if (this.failure !== null) return Promise.reject(new DistributedError(this.failure, op, this.rank));
    if (this.released) return Promise.reject(new DistributedError(`${this.name}: the communicator was destroyed`, op, this.rank));
    let ticket: number;
    try {
      ticket = guard(submit);
    } catch (e) {
      return Promise.reject(e as Error);
    }
    return new Promise((resolve, reject) => { this.pending.set(ticket, { resolve, reject, op }); });
  }

  async uniqueId(): Promise<Uint8Array> {
    const id = await this.request('ncclGetUniqueId', () => nb().ncclCommUniqueId(this.id));
    if (!id) throw new DistributedError(`${this.name}: ncclGetUniqueId returned nothing`, 'initProcessGroup', this.rank);
    return id;
  }

  async init(uniqueId: Uint8Array): Promise<void> {
    await this.request('ncclCommInitRank', () => nb().ncclCommInit(this.id, uniqueId, this.worldSize, this.rank));
  }

  private checkTensor(op: string, t: Tensor, what = 'tensor'): void {
    if (t._storage.device.type !== 1 || t._storage.device.index !== this.device) {
      throw new DeviceError(`${op}: the ${what} is on ${t.device}, the ${this.name} communicator on cuda:${String(this.device)}`);
    }
    if (!DTYPES.includes(t.dtype)) throw new DTypeError(`${op}: ${this.name} takes ${DTYPES.join(', ')}; got ${t.dtype}`);
    if (t.dtype === 'bfloat16' && !this.info.bfloat16) {
      throw new DTypeError(`${op}: ${this.info.name} ${this.info.version} has no bfloat16 (NCCL 2.10+)`);
    }
    if (!t.isContiguous()) throw new ValueError(`${op}: the ${what} must be contiguous`);
  }

  /** Queues one NCCL call; resolves when the compute stream has been made to wait for it. */
  private async collective(op: keyof typeof OP, send: Tensor | null, recv: Tensor | null, count: number, dtype: DType, redop = 0, peer = 0): Promise<void> {
    const isz = ITEMSIZE[dtype];
    // The engine's thread puts the collective on the communication stream a little later than this
    // call returns (the request resolves once it is there). Until then the operands' memory must not
    // go back to the allocator: a block freed now would record its communication-stream event BEFORE
    // the collective, be handed to the next tensor at once, and be overwritten before NCCL reads it
    // (seen on a loaded CI machine: an allGather of y, then y.dispose() and a fill, gathered the
    // fill). Views held until the request resolves keep the blocks; freed after, they wait for the
    // collective (recordStream).
    const held = [send, recv].filter((t): t is Tensor => t !== null).map((t) => unscopedView(t));  // no scope may end them early
    try {
      await this.request(op, () => nb().ncclCommCollective(this.id, OP[op],
        send ? send._handleFor(op) : -1, send ? send._offset * isz : 0,
        recv ? recv._handleFor(op) : -1, recv ? recv._offset * isz : 0,
        count, DTYPE_CODE[dtype], redop, peer));
    } finally {
      for (const t of held) t.dispose();
    }
  }

  /**
   * The blocking form of collective(): true once the collective is queued on the communication
   * stream (the compute stream waits for it), false when timeoutMs passed first.
   */
  private collectiveSync(op: keyof typeof OP, send: Tensor, recv: Tensor, count: number, dtype: DType, redop: number, timeoutMs: number): boolean {
    if (this.failure !== null) throw new DistributedError(this.failure, op, this.rank);
    if (this.released) throw new DistributedError(`${this.name}: the communicator was destroyed`, op, this.rank);
    const isz = ITEMSIZE[dtype];
    return guard(() => nb().ncclCommCollectiveSync(this.id, OP[op], send._handleFor(op), send._offset * isz, recv._handleFor(op), recv._offset * isz,
      count, DTYPE_CODE[dtype], redop, 0, timeoutMs));
  }

  private checkReduction(op: string, t: Tensor, r: ReduceOp): void {
    if (!(r in REDOP)) throw new ValueError(`${op}: unknown reduction '${String(r)}' (sum, avg, max, min, prod)`);
    if (r === 'avg' && t.dtype === 'int32') throw new DTypeError(`${op}: 'avg' needs a floating-point tensor, got int32`);
  }

  allReduceSync(t: Tensor, op: ReduceOp, timeoutMs: number): boolean {
    this.checkTensor('allReduce', t);
    this.checkReduction('allReduce', t, op);
    const n = numel(t._shape);
    if (op !== 'avg' || this.info.avg) return this.collectiveSync('allReduce', t, t, n, t.dtype, REDOP[op], timeoutMs);
    // NCCL before 2.10: the sum, then a division on the compute stream (as allReduce)
    if (!this.collectiveSync('allReduce', t, t, n, t.dtype, REDOP.sum, timeoutMs)) return false;
    const q = div(t, this.worldSize);
    try { copyInto(t, q, 'allReduce'); } finally { q.dispose(); }
    return true;
  }

  allGatherSync(outs: Tensor[], t: Tensor, timeoutMs: number): boolean {
    const n = this.checkGather(outs, t);
    const flat = emptyTensor([this.worldSize * n], t.dtype, t._storage.device, false, 'allGather');
    let queued = false;
    try {
      queued = this.collectiveSync('allGather', t, flat, n, t.dtype, 0, timeoutMs);
      if (queued) this.scatterRows(flat, outs, n);
    } finally {
      // not queued in time: the collective may still be queued later and write the buffer, so its
      // block is never given back (the group aborts the communicator)
      if (!queued) flat._storage.refs++;
      flat.dispose();
    }
    return queued;
  }

  private checkGather(outs: Tensor[], t: Tensor): number {
    this.checkTensor('allGather', t);
    const n = numel(t._shape);
    if (outs.length !== this.worldSize) throw new ValueError(`allGather: expected ${String(this.worldSize)} output tensors, got ${String(outs.length)}`);
    for (const o of outs) {
      this.checkTensor('allGather', o, 'output');
      if (o.dtype !== t.dtype || numel(o._shape) !== n) throw new ValueError(`allGather: every output must have the input's dtype and ${String(n)} elements`);
    }
    return n;
  }

  /** outs[r] = rank r's part of the gathered buffer (copies on the compute stream). */
  private scatterRows(flat: Tensor, outs: Tensor[], n: number): void {
    for (let r = 0; r < this.worldSize; r++) {
      const part = flat._view(outs[r]._shape, contiguousStrides(outs[r]._shape), r * n);
      try { copyInto(outs[r], part, 'allGather'); } finally { part.dispose(); }
    }
  }

  async allReduce(t: Tensor, op: ReduceOp): Promise<void> {
    this.checkTensor('allReduce', t);
    this.checkReduction('allReduce', t, op);
    if (op === 'avg' && !this.info.avg) {
      // NCCL before 2.10 has no ncclAvg: the sum, then a division on the compute stream
      await this.collective('allReduce', t, t, numel(t._shape), t.dtype, REDOP.sum);
      const q = div(t, this.worldSize);
      try { copyInto(t, q, 'allReduce'); } finally { q.dispose(); }
      return;
    }
    await this.collective('allReduce', t, t, numel(t._shape), t.dtype, REDOP[op]);
  }

  async broadcast(t: Tensor, src: number): Promise<void> {
    this.checkTensor('broadcast', t);
    this.checkRank('broadcast', src, 'src');
    await this.collective('broadcast', t, t, numel(t._shape), t.dtype, 0, src);
  }

  async allGather(outs: Tensor[], t: Tensor): Promise<void> {
    const n = this.checkGather(outs, t);
    const flat = emptyTensor([this.worldSize * n], t.dtype, t._storage.device, false, 'allGather');
    try {
      await this.collective('allGather', t, flat, n, t.dtype);
      this.scatterRows(flat, outs, n);
    } finally {
      flat.dispose();  // its block waits for the communication stream (recordStream)
    }
  }

  async reduceScatter(out: Tensor, ins: Tensor[], op: ReduceOp): Promise<void> {
    this.checkTensor('reduceScatter', out, 'output');
    this.checkReduction('reduceScatter', out, op);
    const n = numel(out._shape);
    if (ins.length !== this.worldSize) throw new ValueError(`reduceScatter: expected ${String(this.worldSize)} input tensors, got ${String(ins.length)}`);
    for (const i of ins) {
      this.checkTensor('reduceScatter', i, 'input');
      if (i.dtype !== out.dtype || numel(i._shape) !== n) throw new ValueError(`reduceScatter: every input must have the output's dtype and ${String(n)} elements`);
    }
    const flat = emptyTensor([this.worldSize * n], out.dtype, out._storage.device, false, 'reduceScatter');
    try {
      for (let r = 0; r < this.worldSize; r++) {
        const part = flat._view(ins[r]._shape, contiguousStrides(ins[r]._shape), r * n);
        try { copyInto(part, ins[r], 'reduceScatter'); } finally { part.dispose(); }
      }
      if (op === 'avg' && !this.info.avg) {
        await this.collective('reduceScatter', flat, out, n, out.dtype, REDOP.sum);
        const q = div(out, this.worldSize);
        try { copyInto(out, q, 'reduceScatter'); } finally { q.dispose(); }
      } else {
        await this.collective('reduceScatter', flat, out, n, out.dtype, REDOP[op]);
      }
    } finally {
      flat.dispose();
    }
  }

  private checkRank(op: string, r: number, what: string, notSelf = false): void {
    if (!Number.isInteger(r) || r < 0 || r >= this.worldSize) throw new ValueError(`${op}: ${what} ${String(r)} is not a rank of this world of ${String(this.worldSize)}`);
    if (notSelf && r === this.rank) throw new ValueError(`${op}: ${what} ${String(r)} is this rank itself`);
  }

  async send(t: Tensor, dst: number): Promise<void> {
    this.checkTensor('send', t);
    this.checkRank('send', dst, 'dst', true);
    await this.collective('send', t, null, numel(t._shape), t.dtype, 0, dst);
  }

  async recv(t: Tensor, src: number): Promise<void> {
    this.checkTensor('recv', t);
    this.checkRank('recv', src, 'src', true);
    await this.collective('recv', null, t, numel(t._shape), t.dtype, 0, src);
  }

  /** A one-element allReduce, then a wait (off the JavaScript thread) until it has run on every rank. */
  async barrier(): Promise<void> {
    const one = emptyTensor([1], 'int32', gpuSpec(this.device), true, 'barrier');
    try {
      await this.collective('allReduce', one, one, 1, 'int32', REDOP.sum);
    } finally {
      one.dispose();
    }
    await this.request('barrier', () => nb().ncclCommSynchronize(this.id));
  }

  /** Waits (off the JavaScript thread) until every collective queued so far has run. */
  async synchronize(): Promise<void> {
    await this.request('synchronize', () => nb().ncclCommSynchronize(this.id));
  }

  abort(reason: string): void {
    if (this.released) return;
    try { nb().ncclCommAbort(this.id, reason); } catch { /* already gone */ }
    this.fail(reason);
    this.release(false);
  }

  async destroy(): Promise<void> {
    if (this.released) return;
    if (this.failure !== null) { this.release(false); return; }
    try {
      await this.request('destroyProcessGroup', () => nb().ncclCommDestroy(this.id));
      this.release(true);
    } catch (e) {
      this.release(false);
      // the communicator failed meanwhile (its error went to the calls that were waiting): the
      // process must still be able to leave the group and exit
      if (this.failure === null) throw e;
    }
  }

  /** The communication stream's id (fl.cuda streams; tests). */
  get streamId(): number { return guard(() => nb().ncclCommStream(this.id)); }

  private release(destroyStream: boolean): void {
    if (this.released) return;
    this.released = true;
    try { nb().ncclCommRelease(this.id, destroyStream); } catch { /* process exit */ }
  }
}

/**
 * The engine factory for 'nccl' (and 'rccl'): the library of this host's GPU vendor — RCCL on AMD,
 * whichever name was asked for. BackendUnavailableError when none is found (the search log is in
 * `flintml doctor`).
 */
export const createNcclEngine: (init: EngineInit) => Promise<NcclEngine> = async (init: EngineInit): Promise<NcclEngine> => {
  const dev = parseDevice(init.device, 'initProcessGroup');
  if (dev.type !== 1) throw new DeviceError(`initProcessGroup: the nccl backend needs a GPU device, got '${String(init.device)}'`);
  const info = ncclInfo();
  if (!info.found) throw new BackendUnavailableError(`initProcessGroup: ${info.reason}; \`npx flintml doctor\` lists where it was searched`);
  const engine = new NcclCommunicatorEngine(init, dev.index, info);
  // the whole start (id exchange and ncclCommInitRank, which waits for every rank) is bounded
  const timer = setTimeout(() => engine.abort(`initProcessGroup: ${info.name} did not start within ${String(init.timeoutMs)} ms ` +
    `(rank ${String(init.rank)} of ${String(init.worldSize)}: a rank never joined)`), init.timeoutMs);
  try {
    const key = `${engine.name}/uniqueId`;
    let id: Uint8Array;
    if (init.rank === 0) {
      id = await engine.uniqueId();
      await init.store.set(key, id);
    } else {
      id = await init.store.get(key, init.timeoutMs);
    }
    await engine.init(id);
  } catch (e) {
    engine.abort((e as Error).message);
    throw e;
  } finally {
    clearTimeout(timer);
  }
  return engine;
};
