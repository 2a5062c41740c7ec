// engine.ts — the interface between the process group (group.ts) and a collective engine: MPI for
// CPU tensors (mpi.ts), NCCL/RCCL for GPU tensors (nccl.ts). An engine does the communication only;
// the group checks arguments, applies timeoutMs to every call (and aborts the engine on expiry) and
// turns failures into DistributedError naming the op, the rank and the engine's message.
import type { Device } from '../device';
import type { Tensor } from '../tensor';
import type { Store } from './store';

/** The reductions of allReduce/reduceScatter: PyTorch's ReduceOp in lower case. */
export type ReduceOp = 'sum' | 'avg' | 'max' | 'min' | 'prod';

/** The engine names that `initProcessGroup({ backend })` accepts. */
export type EngineName = 'mpi' | 'nccl' | 'rccl';

/**
 * One rank's communicator. Each call resolves when the result may be used by later work on the
 * tensor's device in program order: MPI (CPU) when the operation completed; NCCL when it is enqueued
 * on the communication stream and the compute stream has been made to wait for it (an event), so
 * later kernels see it. Calls are issued to the engine in the order they were made, the same on
 * every rank (collectives must match across ranks, as in every MPI/NCCL program).
 * Tensors reach an engine already checked by the group: contiguous, on the engine's device kind,
 * one of the group's dtypes, same shapes where the op needs them.
 */
export interface Engine {
  readonly name: EngineName;
  readonly rank: number;
  readonly worldSize: number;
  /** In place. */
  allReduce(t: Tensor, op: ReduceOp): Promise<void>;
  /** In place: `t` of rank `src` is copied into `t` of every other rank. */
  broadcast(t: Tensor, src: number): Promise<void>;
  /** `outs[r]` receives rank r's `t` (`outs.length === worldSize`). */
  allGather(outs: Tensor[], t: Tensor): Promise<void>;
  /** `out` receives the reduction over ranks of `ins[rank]` (`ins.length === worldSize`). */
  reduceScatter(out: Tensor, ins: Tensor[], op: ReduceOp): Promise<void>;
  send(t: Tensor, dst: number): Promise<void>;
  /** In place into `t`. */
  recv(t: Tensor, src: number): Promise<void>;
  barrier(): Promise<void>;
  /**
   * Blocking forms, for the callers that cannot await (SyncBatchNorm's forward and its autograd
   * backward): the same call, issued in order after the ones already made, returning when the
   * asynchronous one would resolve (MPI: done; NCCL: queued on the communication stream with the
   * compute stream waiting for it, never a wait for the GPU), with the calling thread blocked at
   * most `timeoutMs`: true when done, false when that time passed first (the call may still be
   * pending: the group then aborts the engine). An engine failure throws. Optional: an engine
   * without them makes SyncBatchNorm refuse a world of several ranks (the group says so).
   */
  allReduceSync?(t: Tensor, op: ReduceOp, timeoutMs: number): boolean;
  allGatherSync?(outs: Tensor[], t: Tensor, timeoutMs: number): boolean;
  /** After a timeout or a fault: tear down without waiting on peers; later calls reject. */
  abort(reason: string): void;
  /** Orderly shutdown (every rank calls it). */
  destroy(): Promise<void>;
}

/** What the group gives an engine's factory. */
export interface EngineInit {
  rank: number;
  worldSize: number;
  localRank: number;
  /** The rendezvous store on MASTER_ADDR:MASTER_PORT (rank 0 serves it); NCCL passes its unique id here. */
  store: Store;
  timeoutMs: number;
  /** The rank's device: 'cpu' for MPI, `cuda:LOCAL_RANK` for NCCL/RCCL. */
  device: Device;
}

/** Makes a rank's engine; the group calls it once in initProcessGroup. */
export type EngineFactory = (init: EngineInit) => Promise<Engine>;
