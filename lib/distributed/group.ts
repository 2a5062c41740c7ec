// group.ts — the process group of fl.distributed: env:// rendezvous, the one default group of the
// process, argument checks, timeouts and errors around an engine (engine.ts), and the public
// collectives.
//
// Calls are asynchronous. PyTorch's collectives block the calling thread; a Node program must not
// block its event loop, so each collective returns a Promise that resolves when PyTorch's call
// would have returned (`await fl.distributed.allReduce(t)`), or, with `{ async: true }`, a Work
// handle at once (PyTorch's `async_op=True`) whose `wait()` is that Promise. Calls reach the engine
// in the order the program makes them (each engine keeps that order), so every rank must issue the
// same collectives in the same order, as in PyTorch; several may be in flight.
//
// Timeouts: every call races `timeoutMs`; on expiry the engine is aborted (a peer that died or
// never arrived cannot be waited for), and the call rejects with DistributedError naming the op,
// the rank and the engine's message; later calls reject at once, destroyProcessGroup() still works,
// so the program can report and exit. An engine's own failure is reported the same way.
//
// Blocking forms (allReduceSync, allGatherSync; internal, not in fl.distributed): SyncBatchNorm needs
// its collectives inside forward and inside an autograd backward, neither of which can await, as
// PyTorch's SyncBatchNorm calls its blocking all_gather/all_reduce there. They take the same checks,
// reach the engine in the same order as every other call, and keep the same timeout semantics: the
// engine bounds its wait by timeoutMs (MPI's blocking call cannot be interrupted, so the calling
// thread waits for it with a deadline in native code), and on expiry the group is marked dead, the
// engine aborted, and the call throws DistributedError — the process never hangs.
import { writeFileSync } from 'fs';
import { join } from 'path';
import { checkKeys, int, oneOf, optional, signature, tooManyArgs } from '../args';
import { describeArg, thrownText } from '../arity';
import type { DType } from '../dtype';
import { DeviceError, DisposedError, DistributedError, DTypeError, FlintError, ShapeError, ValueError } from '../errors';
import { Tensor } from '../tensor';
import type { Engine, EngineFactory, EngineInit, EngineName, ReduceOp } from './engine';
import { Store, TCPStore } from './store';

/** The dtypes every engine carries. */
export const DISTRIBUTED_DTYPES: readonly DType[] = ['float32', 'float16', 'bfloat16', 'float64', 'int32'];
const REDUCE_OPS: readonly ReduceOp[] = ['sum', 'avg', 'max', 'min', 'prod'];

const factories = new Map<EngineName, EngineFactory>();
/**
 * @internal An engine module registers its factory here at load (mpi.ts, nccl.ts; both imported by
 * distributed/index.ts). Returns the factory it replaced; `null` unregisters (tests).
 */
export function registerEngine(name: EngineName, factory: EngineFactory | null): EngineFactory | null {
  const prev = factories.get(name) ?? null;
  if (factory) factories.set(name, factory);
  else factories.delete(name);
  return prev;
}

function factoryFor(backend: EngineName): EngineFactory {
  const f = factories.get(backend);
  if (!f) throw new DistributedError(`initProcessGroup: backend '${backend}' is not available in this build of flintml`, 'initProcessGroup');
  return f;
}

/**
 * The rendezvous store, connected on first use: the MPI engine never needs it (MPI's launcher forms
 * the world), so `mpirun -n 2 node script.js` needs no MASTER_PORT and two such jobs on one host
 * do not collide on it.
 */
class LazyStore implements Store {
  private store: Promise<TCPStore> | null = null;
  constructor(private readonly host: string, private readonly port: number, private readonly isServer: boolean, private readonly timeoutMs: number) {}
  private open(): Promise<TCPStore> {
    return (this.store ??= TCPStore.create({ host: this.host, port: this.port, isServer: this.isServer, timeoutMs: this.timeoutMs }));
  }
  async set(key: string, value: Uint8Array): Promise<void> { return (await this.open()).set(key, value); }
  async get(key: string, timeoutMs: number): Promise<Uint8Array> { return (await this.open()).get(key, timeoutMs); }
  async add(key: string, n: number): Promise<number> { return (await this.open()).add(key, n); }
  async close(): Promise<void> {
    if (!this.store) return;
    try { await (await this.store).close(); } catch { /* it never connected: nothing to close */ }
  }
}

interface Group {
  engine: Engine;
  store: LazyStore;
  backend: EngineName;
  rank: number;
  worldSize: number;
  timeoutMs: number;
  device: string;
  /** why the group is unusable (a timeout or an engine failure), or null */
  dead: string | null;
  inflight: Set<Promise<void>>;
}
let group: Group | null = null;
let initializing = false;

function envInt(name: string): number | undefined {
  const v = process.env[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new ValueError(`initProcessGroup: environment variable ${name}=${JSON.stringify(v)} is not a non-negative integer`);
  return n;
}

/** Rank, world size and local rank: from OpenMPI's launcher when it started us, else from env://. */
function rendezvous(backend: EngineName, o: { rank?: number; worldSize?: number }): { rank: number; worldSize: number; localRank: number } {
  const envRank = o.rank ?? envInt('RANK'), envWorld = o.worldSize ?? envInt('WORLD_SIZE');
  const mpiRank = envInt('OMPI_COMM_WORLD_RANK'), mpiWorld = envInt('OMPI_COMM_WORLD_SIZE');
  if (backend === 'mpi' && mpiRank !== undefined && mpiWorld !== undefined) {
    if ((envRank !== undefined && envRank !== mpiRank) || (envWorld !== undefined && envWorld !== mpiWorld)) {
      throw new DistributedError(`initProcessGroup: RANK/WORLD_SIZE (${envRank}/${envWorld}) disagree with MPI's (${mpiRank}/${mpiWorld}); under mpirun leave them unset`, 'initProcessGroup', mpiRank);
    }
    return { rank: mpiRank, worldSize: mpiWorld, localRank: envInt('OMPI_COMM_WORLD_LOCAL_RANK') ?? 0 };
  }
  const worldSize = envWorld ?? 1, rank = envRank ?? 0;
  if (rank >= worldSize) throw new ValueError(`initProcessGroup: rank ${rank} is not below the world size ${worldSize}`);
  if (backend === 'mpi' && worldSize > 1) {
    throw new DistributedError(
      `initProcessGroup: backend 'mpi' needs its ${worldSize} ranks started by MPI's launcher: \`npx flintml run --mpi --nproc-per-node ${worldSize} script.js\` ` +
      `or \`mpirun -n ${worldSize} node script.js\` (separately started OpenMPI processes cannot join one world)`, 'initProcessGroup', rank);
  }
  return { rank, worldSize, localRank: envInt('LOCAL_RANK') ?? 0 };
}

const INIT_ARGS = signature('initProcessGroup', ['backend', 'initMethod', 'timeoutMs', 'worldSize', 'rank'], {
  backend: optional(oneOf<EngineName>('mpi', 'nccl', 'rccl'), 'mpi'),
  initMethod: optional(oneOf('env://'), 'env://'),
  timeoutMs: optional(int({ min: 1 }), 1_800_000),
  worldSize: optional(int({ min: 1 })),
  rank: optional(int({ min: 0 })),
});

/** Options of `initProcessGroup`. */
export interface InitProcessGroupOptions {
  /** 'mpi' (CPU tensors, OpenMPI), 'nccl' (NVIDIA GPUs; AMD GPUs get RCCL) or 'rccl'. Default 'mpi'. */
  backend?: EngineName;
  /** Only 'env://': RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT (default 29500). */
  initMethod?: 'env://';
  /** Every collective and the rendezvous fail with DistributedError after this long. Default 30 min (PyTorch's). */
  timeoutMs?: number;
  /** Overrides WORLD_SIZE. */
  worldSize?: number;
  /** Overrides RANK. */
  rank?: number;
}

/**
 * Joins the default process group (PyTorch's `init_process_group`), with the env:// rendezvous:
 * `RANK`, `WORLD_SIZE`, `LOCAL_RANK` (set by `npx flintml run`), `MASTER_ADDR` (default 127.0.0.1),
 * `MASTER_PORT` (default 29500). Under `mpirun` with backend 'mpi', rank and size come from MPI.
 * ```ts
 * await fl.distributed.initProcessGroup({ backend: 'mpi', timeoutMs: 60_000 });
 * ```
 */
export function initProcessGroup(...args: [options?: InitProcessGroupOptions] | [backend?: EngineName, initMethod?: 'env://', timeoutMs?: number, worldSize?: number, rank?: number, options?: InitProcessGroupOptions]): Promise<void> {
  const o = INIT_ARGS.parse(args);  // bad arguments throw here, synchronously, as every op's do
  if (group || initializing) throw new DistributedError('initProcessGroup: the default process group is already initialized (call destroyProcessGroup() first)', 'initProcessGroup');
  const { rank, worldSize, localRank } = rendezvous(o.backend, o);
  const factory = factoryFor(o.backend);
  initializing = true;
  return (async () => {
    const host = process.env.MASTER_ADDR || '127.0.0.1';
    const port = envInt('MASTER_PORT') ?? 29500;
    const store = new LazyStore(host, port, rank === 0, o.timeoutMs);
    const device = o.backend === 'mpi' ? 'cpu' : `cuda:${localRank}`;
    const init: EngineInit = { rank, worldSize, localRank, store, timeoutMs: o.timeoutMs, device };
    let engine: Engine;
    try {
      engine = await withTimeout(factory(init), o.timeoutMs, () => `initProcessGroup (rank ${rank}, ${o.backend}): no world after ${o.timeoutMs} ms`, 'initProcessGroup', rank);
    } catch (e) {
      await store.close();
      if (!(e instanceof Error) || e.message.startsWith('initProcessGroup')) throw e;
      const msg = `initProcessGroup (rank ${rank}, ${o.backend}): ${e.message}`;
      // the engine's own typed errors (BackendUnavailableError: no libmpi/libnccl) keep their class
      throw e instanceof FlintError && !(e instanceof DistributedError) ? new (e.constructor as new (m: string) => FlintError)(msg) : new DistributedError(msg, 'initProcessGroup', rank);
    }
    group = { engine, store, backend: o.backend, rank, worldSize, timeoutMs: o.timeoutMs, device, dead: null, inflight: new Set() };
  })().finally(() => { initializing = false; });
}

function withTimeout<T>(p: Promise<T>, ms: number, what: () => string, op: string, rank: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new DistributedError(what(), op, rank)), ms);
    p.then((v) => { clearTimeout(timer); resolve(v); }, (e) => { clearTimeout(timer); reject(e); });
  });
}

/**
 * Under `flintml run`, a rank's uncaught error is written where the launcher reads it, so that it
 * can name the rank and its error (uncaughtExceptionMonitor observes without changing what Node
 * does with the error).
 */
let reporting = false;
function reportFailuresTo(dir: string, rank: number): void {
  if (reporting) return;
  reporting = true;
  process.on('uncaughtExceptionMonitor', (err) => {
    try {
      writeFileSync(join(dir, `rank-${rank}.txt`), err instanceof Error ? `${err.name}: ${err.message}` : String(err));
    } catch { /* the launcher falls back to the exit status */ }
  });
}

{
  const dir = process.env.FLINT_RUN_REPORT, r = process.env.RANK ?? process.env.OMPI_COMM_WORLD_RANK;
  if (dir && r !== undefined && /^\d+$/.test(r)) reportFailuresTo(dir, Number(r));
}

function current(op: string): Group {
  if (!group) throw new DistributedError(`${op}: the default process group is not initialized; call \`await fl.distributed.initProcessGroup()\` first`, op);
  return group;
}

/** True between initProcessGroup() and destroyProcessGroup(). */
export function isInitialized(): boolean {
  if (arguments.length > 0) tooManyArgs('isInitialized', '', arguments);
  return group !== null;
}
/** This process's rank in the default group (0 … worldSize - 1). */
export function getRank(): number {
  if (arguments.length > 0) tooManyArgs('getRank', '', arguments);
  return current('getRank').rank;
}
/** The number of ranks in the default group. */
export function getWorldSize(): number {
  if (arguments.length > 0) tooManyArgs('getWorldSize', '', arguments);
  return current('getWorldSize').worldSize;
}
/** The engine of the default group: 'mpi', 'nccl' or 'rccl'. */
export function getBackend(): EngineName {
  if (arguments.length > 0) tooManyArgs('getBackend', '', arguments);
  return current('getBackend').engine.name;
}

/**
 * Leaves the default group: waits (up to timeoutMs) for the calls in flight, shuts the engine down
 * (MPI_Finalize; after a timeout, nothing that waits on peers) and closes the store. Every rank
 * calls it, as in PyTorch.
 */
export async function destroyProcessGroup(): Promise<void> {
  if (arguments.length > 0) tooManyArgs('destroyProcessGroup', '', arguments);
  const g = current('destroyProcessGroup');
  if (!g.dead && g.inflight.size > 0) await Promise.race([Promise.allSettled([...g.inflight]), new Promise((r) => setTimeout(r, g.timeoutMs).unref())]);
  try {
    if (!g.dead) await withTimeout(g.engine.destroy(), g.timeoutMs, () => `destroyProcessGroup (rank ${g.rank}, ${g.backend}): peers did not leave within ${g.timeoutMs} ms`, 'destroyProcessGroup', g.rank);
    else g.engine.abort(g.dead);
  } catch (e) {
    g.engine.abort(`destroyProcessGroup: ${(e as Error).message}`);
    throw e;
  } finally {
    await g.store.close();
    group = null;
  }
}

/** What a collective returns with `{ async: true }` (PyTorch's Work): `await work.wait()`. */
export class Work {
  #done = false;
  readonly #promise: Promise<void>;
  /** @internal */
  constructor(p: Promise<void>) {
    if (!(p instanceof Promise)) throw new ValueError('Work: the constructor is internal; collectives with { asyncOp: true } return a Work');
    this.#promise = p;
    p.then(() => { this.#done = true; }, () => { this.#done = true; });
  }
  /** Resolves when the operation completed (rejects with its DistributedError). */
  wait(): Promise<void> {
    if (arguments.length > 0) tooManyArgs('Work.wait', '', arguments);
    return this.#promise;
  }
  /** True once the operation finished, successfully or not. */
  isCompleted(): boolean {
    if (arguments.length > 0) tooManyArgs('Work.isCompleted', '', arguments);
    return this.#done;
  }
}

/** Options every collective takes. */
export interface CollectiveOptions {
  /** Return a Work handle at once instead of a Promise (PyTorch's async_op). */
  async?: boolean;
}

function checkTensor(g: Group, op: string, t: unknown, what: string): Tensor {
  if (!(t instanceof Tensor)) throw new ValueError(`${op}: ${what} must be a Tensor, got ${describeArg(t)}`);
  if (t._storage.handle === null) throw new DisposedError(`${op}: ${what} was disposed`);
  if (!DISTRIBUTED_DTYPES.includes(t.dtype)) throw new DTypeError(`${op}: ${what} has dtype ${t.dtype}; the ${g.backend} engine takes ${DISTRIBUTED_DTYPES.join(', ')}`);
  if (t.device !== g.device && !(g.device.startsWith('cuda') && t.device === 'cuda' && g.device === 'cuda:0')) {
    throw new DeviceError(`${op}: ${what} is on ${t.device}; the ${g.backend} group of rank ${g.rank} works on ${g.device} tensors`);
  }
  if (!t.isContiguous()) throw new ValueError(`${op}: ${what} (shape [${t.shape.join(', ')}]) must be contiguous (call .contiguous())`);
  return t;
}
function checkOp(g: Group, op: string, r: unknown, dtype: DType): ReduceOp {
  if (typeof r !== 'string' || !(REDUCE_OPS as string[]).includes(r)) throw new ValueError(`${op}: op must be one of ${REDUCE_OPS.map((x) => `'${x}'`).join(', ')}, got ${describeArg(r)}`);
  if (r === 'avg' && dtype === 'int32') throw new DTypeError(`${op}: op 'avg' is for floating dtypes, not int32 (use 'sum' and divide)`);
  return r as ReduceOp;
}
function checkPeer(g: Group, op: string, r: unknown, what: string, notSelf: boolean): number {
  if (typeof r !== 'number' || !Number.isInteger(r) || r < 0 || r >= g.worldSize) throw new ValueError(`${op}: ${what} must be a rank in 0 … ${g.worldSize - 1}, got ${describeArg(r)}`);
  if (notSelf && r === g.rank) throw new ValueError(`${op}: ${what} is this process's own rank ${r}`);
  return r;
}
function checkList(g: Group, op: string, list: unknown, like: Tensor, what: string): Tensor[] {
  if (!Array.isArray(list)) throw new ValueError(`${op}: ${what} must be an array of ${g.worldSize} Tensors, got ${describeArg(list)}`);
  if (list.length !== g.worldSize) throw new ValueError(`${op}: ${what} has ${list.length} tensors; the world has ${g.worldSize} ranks`);
  return list.map((t, i) => {
    const x = checkTensor(g, op, t, `${what}[${i}]`);
    if (x.dtype !== like.dtype) throw new DTypeError(`${op}: ${what}[${i}] is ${x.dtype}, the tensor is ${like.dtype}`);
    if (x.numel !== like.numel || x.shape.join() !== like.shape.join()) throw new ShapeError(`${op}: ${what}[${i}] has shape [${x.shape.join(', ')}], the tensor [${like.shape.join(', ')}]`);
    return x;
  });
}
function options(op: string, o: unknown): boolean {
  checkKeys(op, o, ['async']);
  const a = (o as { async?: unknown } | undefined)?.async;
  if (a !== undefined && typeof a !== 'boolean') throw new ValueError(`${op}: async must be a boolean, got ${describeArg(a)}`);
  return a === true;
}

/**
 * Issues one engine call: storage references held for its duration (the engine may hand raw
 * pointers to another thread), the written tensors' versions bumped (autograd's saved-tensor
 * check), the timeout raced, failures made DistributedError.
 */
function issue(g: Group, op: string, read: Tensor[], written: Tensor[], call: (e: Engine) => Promise<void>, async: boolean): Promise<void> | Work {
  const fail = (msg: string) => new DistributedError(`${op} (rank ${g.rank}, ${g.engine.name}): ${msg}`, op, g.rank);
  let p: Promise<void>;
  if (g.dead) p = Promise.reject(fail(`the process group is unusable after an earlier failure: ${g.dead}`));
  else {
    const all = [...read, ...written];
    for (const t of all) t._storage.refs++;
    for (const t of written) t._storage.version++;
    let started: Promise<void>;
    try {
      started = call(g.engine);
    } catch (e) {
      started = Promise.reject(e);
    }
    p = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        const why = `timed out after ${g.timeoutMs} ms (a peer died, never arrived, or issued a different collective)`;
        if (!g.dead) { g.dead = `${op} ${why}`; g.engine.abort(g.dead); }
        reject(fail(why));  // the tensors' storages stay referenced: the engine may still write them
      }, g.timeoutMs);
      started.then(() => {
        clearTimeout(timer);
        for (const t of all) t._storage.release();
        resolve();
      }, (e) => {
        clearTimeout(timer);
        const msg = e instanceof Error ? e.message : thrownText(e);
        if (!g.dead) { g.dead = `${op}: ${msg}`; g.engine.abort(g.dead); }
        reject(fail(msg));
      });
    });
    g.inflight.add(p);
    const drop = () => { g.inflight.delete(p); };
    p.then(drop, drop);
  }
  if (async) return new Work(p);
  return p;
}

/**
 * The blocking counterpart of issue(): the same bookkeeping, the engine's blocking call, the
 * timeout and failures thrown as DistributedError (naming `op`, the caller's name for the call).
 */
function issueSync(g: Group, op: string, read: Tensor[], written: Tensor[], call: (e: Engine) => boolean): void {
  const fail = (msg: string) => new DistributedError(`${op} (rank ${g.rank}, ${g.engine.name}): ${msg}`, op, g.rank);
  if (g.dead) throw fail(`the process group is unusable after an earlier failure: ${g.dead}`);
  const all = [...read, ...written];
  for (const t of all) t._storage.refs++;
  for (const t of written) t._storage.version++;
  let done: boolean;
  try {
    done = call(g.engine);
  } catch (e) {
    const msg = e instanceof Error ? e.message : thrownText(e);
    if (!g.dead) { g.dead = `${op}: ${msg}`; g.engine.abort(g.dead); }
    throw fail(msg);  // the storages stay referenced: the engine may still write them
  }
  if (!done) {
    const why = `timed out after ${g.timeoutMs} ms (a peer died, never arrived, or issued a different collective)`;
    if (!g.dead) { g.dead = `${op} ${why}`; g.engine.abort(g.dead); }
    throw fail(why);
  }
  for (const t of all) t._storage.release();
}

function syncEngine(g: Group, op: string): Required<Pick<Engine, 'allReduceSync' | 'allGatherSync'>> {
  const e = g.engine;
  if (!e.allReduceSync || !e.allGatherSync) throw new DistributedError(`${op}: the ${g.backend} engine of this group has no blocking collectives`, op, g.rank);
  return e as Required<Pick<Engine, 'allReduceSync' | 'allGatherSync'>>;
}

/**
 * @internal allReduce that returns when it is done (the blocking form for SyncBatchNorm: see the
 * head of this file); `op` names the caller in errors ('SyncBatchNorm backward: allReduce').
 */
export function allReduceSync(tensor: Tensor, reduce: ReduceOp, op: string): void {
  const g = current(op);
  const t = checkTensor(g, op, tensor, 'tensor');
  const r = checkOp(g, op, reduce, t.dtype);
  const e = syncEngine(g, op);
  issueSync(g, op, [], [t], () => e.allReduceSync(t, r, g.timeoutMs));
}

/** @internal allGather that returns when it is done (SyncBatchNorm); `op` names the caller in errors. */
export function allGatherSync(tensorList: Tensor[], tensor: Tensor, op: string): void {
  const g = current(op);
  const t = checkTensor(g, op, tensor, 'tensor');
  const outs = checkList(g, op, tensorList, t, 'tensorList');
  const e = syncEngine(g, op);
  issueSync(g, op, [t], outs, () => e.allGatherSync(outs, t, g.timeoutMs));
}

/**
 * Reduces `tensor` over all ranks, in place on every rank (PyTorch's `all_reduce`).
 * ```ts
 * const g = fl.tensor([fl.distributed.getRank() + 1]);
 * await fl.distributed.allReduce(g, 'sum');   // [1 + 2 + … + worldSize] on every rank
 * ```
 */
export function allReduce(tensor: Tensor, op?: ReduceOp, options?: { async?: false }): Promise<void>;
export function allReduce(tensor: Tensor, op: ReduceOp | undefined, options: { async: true }): Work;
export function allReduce(tensor: Tensor, op?: ReduceOp, opts?: CollectiveOptions): Promise<void> | Work {
  if (arguments.length > 3) tooManyArgs('allReduce', 'tensor, op, options', arguments);
  const asyncOp = options('allReduce', opts);
  const g = current('allReduce');
  const t = checkTensor(g, 'allReduce', tensor, 'tensor');
  const r = checkOp(g, 'allReduce', op ?? 'sum', t.dtype);
  return issue(g, 'allReduce', [], [t], (e) => e.allReduce(t, r), asyncOp);
}

/** Copies `tensor` of rank `src` into `tensor` of every rank, in place (PyTorch's `broadcast`). */
export function broadcast(tensor: Tensor, src: number, options?: { async?: false }): Promise<void>;
export function broadcast(tensor: Tensor, src: number, options: { async: true }): Work;
export function broadcast(tensor: Tensor, src: number, opts?: CollectiveOptions): Promise<void> | Work {
  if (arguments.length > 3) tooManyArgs('broadcast', 'tensor, src, options', arguments);
  const asyncOp = options('broadcast', opts);
  const g = current('broadcast');
  const t = checkTensor(g, 'broadcast', tensor, 'tensor');
  const s = checkPeer(g, 'broadcast', src, 'src', false);
  return issue(g, 'broadcast', [], [t], (e) => e.broadcast(t, s), asyncOp);
}

/**
 * `tensorList[r]` receives rank r's `tensor` (PyTorch's `all_gather`; the list holds worldSize
 * tensors of `tensor`'s shape and dtype).
 */
export function allGather(tensorList: Tensor[], tensor: Tensor, options?: { async?: false }): Promise<void>;
export function allGather(tensorList: Tensor[], tensor: Tensor, options: { async: true }): Work;
export function allGather(tensorList: Tensor[], tensor: Tensor, opts?: CollectiveOptions): Promise<void> | Work {
  if (arguments.length > 3) tooManyArgs('allGather', 'tensorList, tensor, options', arguments);
  const asyncOp = options('allGather', opts);
  const g = current('allGather');
  const t = checkTensor(g, 'allGather', tensor, 'tensor');
  const outs = checkList(g, 'allGather', tensorList, t, 'tensorList');
  return issue(g, 'allGather', [t], outs, (e) => e.allGather(outs, t), asyncOp);
}

/**
 * `output` receives the reduction over ranks of their `inputList[rank]` (PyTorch's
 * `reduce_scatter`; the list holds worldSize tensors of `output`'s shape and dtype).
 */
export function reduceScatter(output: Tensor, inputList: Tensor[], op?: ReduceOp, options?: { async?: false }): Promise<void>;
export function reduceScatter(output: Tensor, inputList: Tensor[], op: ReduceOp | undefined, options: { async: true }): Work;
export function reduceScatter(output: Tensor, inputList: Tensor[], op?: ReduceOp, opts?: CollectiveOptions): Promise<void> | Work {
  if (arguments.length > 4) tooManyArgs('reduceScatter', 'output, inputList, op, options', arguments);
  const asyncOp = options('reduceScatter', opts);
  const g = current('reduceScatter');
  const out = checkTensor(g, 'reduceScatter', output, 'output');
  const ins = checkList(g, 'reduceScatter', inputList, out, 'inputList');
  const r = checkOp(g, 'reduceScatter', op ?? 'sum', out.dtype);
  return issue(g, 'reduceScatter', ins, [out], (e) => e.reduceScatter(out, ins, r), asyncOp);
}

/** Sends `tensor` to rank `dst` (PyTorch's `send`; the peer calls recv with a tensor of the same size). */
export function send(tensor: Tensor, dst: number, options?: { async?: false }): Promise<void>;
export function send(tensor: Tensor, dst: number, options: { async: true }): Work;
export function send(tensor: Tensor, dst: number, opts?: CollectiveOptions): Promise<void> | Work {
  if (arguments.length > 3) tooManyArgs('send', 'tensor, dst, options', arguments);
  const asyncOp = options('send', opts);
  const g = current('send');
  const t = checkTensor(g, 'send', tensor, 'tensor');
  const d = checkPeer(g, 'send', dst, 'dst', true);
  return issue(g, 'send', [t], [], (e) => e.send(t, d), asyncOp);
}

/** Receives into `tensor`, in place, from rank `src` (PyTorch's `recv`). */
export function recv(tensor: Tensor, src: number, options?: { async?: false }): Promise<void>;
export function recv(tensor: Tensor, src: number, options: { async: true }): Work;
export function recv(tensor: Tensor, src: number, opts?: CollectiveOptions): Promise<void> | Work {
  if (arguments.length > 3) tooManyArgs('recv', 'tensor, src, options', arguments);
  const asyncOp = options('recv', opts);
  const g = current('recv');
  const t = checkTensor(g, 'recv', tensor, 'tensor');
  const s = checkPeer(g, 'recv', src, 'src', true);
  return issue(g, 'recv', [], [t], (e) => e.recv(t, s), asyncOp);
}

/** Resolves when every rank reached it (PyTorch's `barrier`). */
export function barrier(options?: { async?: false }): Promise<void>;
export function barrier(options: { async: true }): Work;
export function barrier(opts?: CollectiveOptions): Promise<void> | Work {
  if (arguments.length > 1) tooManyArgs('barrier', 'options', arguments);
  const asyncOp = options('barrier', opts);
  const g = current('barrier');
  return issue(g, 'barrier', [], [], (e) => e.barrier(), asyncOp);
}
