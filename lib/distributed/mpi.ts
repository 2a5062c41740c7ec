// mpi.ts — the MPI engine (CPU tensors): OpenMPI's C API found at run time (native/cpu/mpi.cpp,
// dlopen of libmpi.so.40), every call run on one dedicated native thread in program order
// (native/addon/mpi_binding.cpp), so the event loop stays free while a collective blocks. The
// blocking forms (allReduceSync, allGatherSync: SyncBatchNorm) go through the same queue and wait
// for their job on the JavaScript thread, bounded by the group's timeout.
//
// The world is MPI's: the ranks must be started by MPI's launcher (`mpirun -n N node script.js`,
// or `npx flintml run --mpi`, which runs mpirun), because OpenMPI processes started one by one
// (singletons) cannot join into one world without it. A world of one needs no launcher.
import { tooManyArgs } from '../arity';
import { BackendUnavailableError, DistributedError } from '../errors';
import { binding } from '../native';
import { DTYPE_CODE, ITEMSIZE } from '../dtype';
import type { Tensor } from '../tensor';
import type { Engine, EngineFactory, ReduceOp } from './engine';
import { registerEngine } from './group';

const KIND = { init: 0, allReduce: 1, broadcast: 2, allGather: 3, reduceScatter: 4, send: 5, recv: 6, barrier: 7, finalize: 8 } as const;
const OP: Record<ReduceOp, number> = { sum: 0, avg: 1, max: 2, min: 3, prod: 4 };

/** What `mpiInfo()` reports. */
export interface MpiInfo {
  /** OpenMPI's libmpi was loaded (the 'mpi' backend can start). */
  loaded: boolean;
  /** The file loaded. */
  path: string;
  /** Its version line (`Open MPI v4.1.4`). */
  version: string;
  /** One line per file tried. */
  log: string[];
  /** Why not, when not loaded ('' otherwise). */
  reason: string;
}

/**
 * Whether the 'mpi' backend can start on this host, as `flintml doctor` prints it:
 * `fl.distributed.mpiInfo().loaded`.
 */
export function mpiInfo(): MpiInfo {
  if (arguments.length > 0) tooManyArgs('mpiInfo', '', arguments);
  if (!binding.mpiInfo) return { loaded: false, path: '', version: '', log: [], reason: 'this build of the addon has no MPI engine (rebuild flintml)' };
  const i = binding.mpiInfo();
  return { ...i, reason: i.loaded ? '' : `OpenMPI not found (${i.log.join('; ')}); Debian/Ubuntu: apt-get install openmpi-bin libopenmpi3` };
}

/** `flintml doctor`'s lines for MPI, in the shape of NCCL's (nccl.ts ncclDoctorLines). */
export function mpiDoctorLines(): string[] {
  let info: MpiInfo;
  try {
    info = mpiInfo();
  } catch (e) {
    return [`distributed: mpi: unavailable — ${(e as Error).message}`];
  }
  const lines = [info.loaded ? `distributed: mpi: ${info.version || 'OpenMPI'} (${info.path}); CPU tensors, ranks started by mpirun or \`flintml run --mpi\`` : `distributed: mpi: unavailable — ${info.reason}`];
  for (const l of info.log) lines.push(`  MPI search: ${l}`);
  return lines;
}

function where(t: Tensor): [number, number] {
  return [t._storage.handle as number, t._offset * ITEMSIZE[t.dtype]];
}

interface MpiSyncBinding {
  mpiRunSync?(kind: number, h: number | null, off: number, count: number, dtype: number, op: number, peer: number, parts: [number, number][] | null, timeoutMs: number): boolean;
}
/** The blocking call (mpi_binding.cpp mpiRunSync): true when done, false when timeoutMs passed. */
function runSync(): NonNullable<MpiSyncBinding['mpiRunSync']> {
  const b = binding as unknown as MpiSyncBinding;
  if (!b.mpiRunSync) throw new Error('this build of the addon has no blocking MPI call (rebuild flintml)');
  return b.mpiRunSync.bind(binding);
}

type Submit = (kind: number, h: number | null, off: number, count: number, dtype: number, op: number, peer: number, parts: [number, number][] | null) => Promise<{ rank: number; size: number }>;

class MpiEngine implements Engine {
  readonly name = 'mpi' as const;
  private aborted: string | null = null;
  constructor(readonly rank: number, readonly worldSize: number, private readonly submit: Submit) {}
  private job(kind: number, t: Tensor | null, op: ReduceOp, peer: number, parts: Tensor[] | null): Promise<void> {
    if (this.aborted) return Promise.reject(new Error(`the MPI engine was aborted: ${this.aborted}`));
    const [h, off] = t ? where(t) : [null, 0];
    const like = t ?? (parts ? parts[0] : null);
    return this.submit(kind, h, off, like ? like.numel : 0, like ? DTYPE_CODE[like.dtype] : 0, OP[op], peer, parts ? parts.map(where) : null).then(() => undefined);
  }
  /** The blocking form of job(): on the same queue, so after every job issued before it. */
  private jobSync(kind: number, t: Tensor, op: ReduceOp, parts: Tensor[] | null, timeoutMs: number): boolean {
    if (this.aborted) throw new Error(`the MPI engine was aborted: ${this.aborted}`);
    const [h, off] = where(t);
    return runSync()(kind, h, off, t.numel, DTYPE_CODE[t.dtype], OP[op], 0, parts ? parts.map(where) : null, timeoutMs);
  }
  allReduce(t: Tensor, op: ReduceOp): Promise<void> { return this.job(KIND.allReduce, t, op, 0, null); }
  allReduceSync(t: Tensor, op: ReduceOp, timeoutMs: number): boolean { return this.jobSync(KIND.allReduce, t, op, null, timeoutMs); }
  allGatherSync(outs: Tensor[], t: Tensor, timeoutMs: number): boolean { return this.jobSync(KIND.allGather, t, 'sum', outs, timeoutMs); }
  broadcast(t: Tensor, src: number): Promise<void> { return this.job(KIND.broadcast, t, 'sum', src, null); }
  allGather(outs: Tensor[], t: Tensor): Promise<void> { return this.job(KIND.allGather, t, 'sum', 0, outs); }
  reduceScatter(out: Tensor, ins: Tensor[], op: ReduceOp): Promise<void> { return this.job(KIND.reduceScatter, out, op, 0, ins); }
  send(t: Tensor, dst: number): Promise<void> { return this.job(KIND.send, t, 'sum', dst, null); }
  recv(t: Tensor, src: number): Promise<void> { return this.job(KIND.recv, t, 'sum', src, null); }
  barrier(): Promise<void> { return this.job(KIND.barrier, null, 'sum', 0, null); }
  abort(reason: string): void {
    if (this.aborted) return;
    this.aborted = reason;
    // The MPI thread may be blocked for good in a call whose peer is gone: refuse new work and let
    // the process exit (under mpirun, a rank that exits makes mpirun end the others).
    binding.mpiAbort?.();
  }
  async destroy(): Promise<void> {
    if (this.aborted) return;
    await this.job(KIND.finalize, null, 'sum', 0, null);
    this.aborted = 'destroyed';  // MPI cannot be initialised twice in a process
  }
}

let used = false;

const createMpiEngine: EngineFactory = async (init) => {
  const info = mpiInfo();
  if (!info.loaded || !binding.mpiSubmit) throw new BackendUnavailableError(`backend 'mpi': ${info.reason}`);
  if (used) throw new DistributedError(`MPI was finalized by an earlier destroyProcessGroup(); MPI allows one initialisation per process`, 'initProcessGroup', init.rank);
  used = true;
  const submit = binding.mpiSubmit.bind(binding) as Submit;
  let r: { rank: number; size: number };
  // an MPI_Init that never returns (a launcher gone) must not keep the process alive: at the
  // timeout (when the group gives up too) the engine is aborted, so the pending job is let go
  const timer = setTimeout(() => binding.mpiAbort?.(), init.timeoutMs);
  try {
    r = await submit(KIND.init, null, 0, 0, 0, 0, 0, null);
  } catch (e) {
    throw new DistributedError((e as Error).message, 'initProcessGroup', init.rank);
  } finally {
    clearTimeout(timer);
  }
  if (r.rank !== init.rank || r.size !== init.worldSize) {
    throw new DistributedError(`MPI says rank ${r.rank} of ${r.size}, the environment rank ${init.rank} of ${init.worldSize}`, 'initProcessGroup', init.rank);
  }
  return new MpiEngine(r.rank, r.size, submit);
};

registerEngine('mpi', createMpiEngine);
