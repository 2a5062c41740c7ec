// parallel.ts — nn.parallel.DistributedDataParallel: data-parallel training over the default
// process group (lib/distributed). Each rank runs the same model on its share of the batch; the
// gradients are averaged across ranks during backward, so every rank takes the same optimizer step.
//
// As PyTorch's: the parameters (and buffers) are broadcast from rank 0 at construction; gradients
// go in buckets of about `bucketCapMb` (parameters in reverse order, since backward produces the
// last layers' gradients first); a bucket is averaged (one allReduce 'avg' of its gradients
// flattened into one buffer) as soon as all its gradients are final (a post-accumulate-grad hook
// per parameter, lib/autograd.ts), so communication overlaps the rest of backward; buckets are
// launched in index order on every rank (so the ranks' collectives match); `noSync(fn)` skips the
// reduction for gradient accumulation.
//
// What differs, because Node must not block its event loop: backward() returns before the
// reductions finish, so an iteration awaits them before the optimizer step:
//   loss.backward(); await model.waitForGradients(); opt.step();
// The optimizers refuse to step (DistributedError) while a parameter's reduction is in flight, so a
// forgotten await is an error, never a silently unsynchronised step. After construction,
// `await model.ready()` waits for the broadcast from rank 0.
//
// State dicts carry no prefix: `model.stateDict()` is `model.module.stateDict()` (PyTorch's has a
// `module.` prefix, a classic surprise when loading into the unwrapped model); loadStateDict also
// accepts a dict whose keys all start with `module.` (saved from PyTorch-style code).
import { arrayOf, bool, int, num, optional, required, signature, tooManyArgs } from '../args';
import { noGrad } from '../autograd';
import type { RemovableHandle } from '../autograd';
import { DistributedError, ValueError } from '../errors';
import { cat } from '../ops/views';
import { zeros } from '../ops/creation';
import { Tensor, keep } from '../tensor';
import { Module } from './module';
import { allReduce, broadcast, getBackend, getRank, isInitialized, Work } from '../distributed/group';
import { gradSyncPending } from '../distributed/pending';
import type { DType } from '../dtype';

/** Options of DistributedDataParallel. */
export interface DistributedDataParallelOptions {
  /** Bucket size in MiB (PyTorch's bucket_cap_mb, default 25). */
  bucketCapMb?: number;
  /** The one device this rank's replica lives on, as an index (`[localRank]` for NCCL); none for MPI (CPU). */
  deviceIds?: number[];
  /** Broadcast the buffers (e.g. batch-norm statistics) from rank 0 at construction, too (default true). */
  broadcastBuffers?: boolean;
}

const DDP_ARGS = signature('DistributedDataParallel', ['module', 'deviceIds'], {
  module: required(((v: unknown, where: string) => { if (!(v instanceof Module)) throw new ValueError(`${where} must be an nn.Module`); return v; })),
  deviceIds: optional(arrayOf(int({ min: 0 }))),
  bucketCapMb: optional(num({ gt: 0 }), 25),
  broadcastBuffers: optional(bool, true),
});

interface Bucket {
  params: Tensor[];
  dtype: DType;
  ready: number;            // parameters whose gradient is final in this iteration
  flat: Tensor | null;      // the flattened gradients being averaged
  work: Work | null;
}

/**
 * Wraps `module` for data-parallel training over the default process group.
 * ```ts
 * await fl.distributed.initProcessGroup({ backend: 'mpi' });
 * const model = new fl.nn.parallel.DistributedDataParallel(net);
 * await model.ready();
 * const loss = fl.nn.functional.mseLoss(model.forward(x), y);
 * opt.zeroGrad(); loss.backward(); await model.waitForGradients(); opt.step();
 * ```
 */
export class DistributedDataParallel<M extends Module = Module> extends Module {
  /** The wrapped model. */
  readonly module: M;
  /** @internal */ _buckets: Bucket[] = [];
  /** @internal */ _bucketOf = new Map<Tensor, Bucket>();
  /** @internal */ _hooks: RemovableHandle[] = [];
  /** @internal next bucket to launch */ _next = 0;
  /** @internal an iteration's reductions are under way (from the first final gradient to waitForGradients) */ _inFlight = false;
  /** @internal */ _sync = true;
  /** @internal */ _ready: Promise<void>;
  /** @internal */ _broadcastDone = false;
  /** @internal */ _broadcastError: unknown = null;

  constructor(module: M, options?: DistributedDataParallelOptions);
  constructor(module: M, deviceIds?: number[], options?: DistributedDataParallelOptions);
  constructor(...args: unknown[]) {
    super();
    const o = DDP_ARGS.parse(args);
    if (!isInitialized()) throw new DistributedError('DistributedDataParallel: the default process group is not initialized; call `await fl.distributed.initProcessGroup()` first', 'DistributedDataParallel');
    const backend = getBackend();
    if (backend === 'mpi' && o.deviceIds && o.deviceIds.length > 0) {
      throw new ValueError(`DistributedDataParallel: deviceIds [${o.deviceIds.join(', ')}] given, but the mpi backend works on CPU tensors (leave deviceIds out)`);
    }
    if (o.deviceIds && o.deviceIds.length > 1) throw new ValueError('DistributedDataParallel: deviceIds takes one device per process (one rank per GPU), as in PyTorch');
    this.module = o.module as M;
    const params = this.module.parameters().filter((p) => p.requiresGrad);
    if (params.length === 0) throw new ValueError('DistributedDataParallel: the module has no parameter that requires grad');
    // buckets: parameters in reverse order, up to bucketCapMb each, one dtype per bucket
    const cap = o.bucketCapMb * 1024 * 1024;
    let cur: Bucket | null = null, bytes = 0;
    for (const p of params.slice().reverse()) {
      const b = p.numel * (p.dtype === 'float64' ? 8 : p.dtype === 'float32' ? 4 : 2);
      if (!cur || cur.dtype !== p.dtype || (bytes + b > cap && cur.params.length > 0)) {
        cur = { params: [], dtype: p.dtype, ready: 0, flat: null, work: null };
        this._buckets.push(cur);
        bytes = 0;
      }
      cur.params.push(p);
      bytes += b;
      this._bucketOf.set(p, cur);
    }
    // rank 0's values everywhere; issued now, in the same order on every rank
    const tensors = [...params, ...(o.broadcastBuffers ? this.module.buffers() : [])];
    this._ready = Promise.all(tensors.map((t) => broadcast(t, 0))).then(() => { this._broadcastDone = true; }, (e) => { this._broadcastError = e; throw e; });
    this._ready.catch(() => { /* reported by ready() and forward() */ });
    for (const p of params) this._hooks.push(p.registerPostAccumulateGradHook((t) => this.gradReady(t)));
  }

  /** Resolves (with this model) when the broadcast of rank 0's parameters at construction finished. */
  async ready(): Promise<this> {
    if (arguments.length > 0) tooManyArgs('DistributedDataParallel.ready', '', arguments);
    await this._ready;
    return this;
  }

  /** The wrapped module's forward. Refused before ready() and while the previous iteration's reductions are pending. */
  forward(...args: unknown[]): unknown {
    if (!this._broadcastDone) {
      throw new DistributedError(this._broadcastError
        ? `DistributedDataParallel.forward: the broadcast of the parameters failed: ${(this._broadcastError as Error).message}`
        : 'DistributedDataParallel.forward: the parameters are still being broadcast from rank 0; `await model.ready()` after construction', 'DistributedDataParallel.forward');
    }
    if (this._inFlight) {
      throw new DistributedError('DistributedDataParallel.forward: the previous backward\'s gradient reductions were not awaited; call `await model.waitForGradients()` after backward()', 'DistributedDataParallel.forward');
    }
    return (this.module.forward as (...a: unknown[]) => unknown)(...args);
  }

  /**
   * Runs `fn` without averaging gradients across ranks (PyTorch's `no_sync()`): backward passes
   * inside only accumulate locally; the first synchronised backward after it averages the sum.
   * `fn` may be async; its result is returned.
   */
  noSync<T>(fn: () => T): T {
    if (arguments.length > 1) tooManyArgs('DistributedDataParallel.noSync', 'fn', arguments);
    if (typeof fn !== 'function') throw new ValueError('DistributedDataParallel.noSync: expected a function');
    const before = this._sync;
    this._sync = false;
    let r: T;
    try {
      r = fn();
    } catch (e) {
      this._sync = before;
      throw e;
    }
    if (r instanceof Promise) return r.finally(() => { this._sync = before; }) as unknown as T;
    this._sync = before;
    return r;
  }

  /** @internal A parameter's gradient is final for this backward. */
  private gradReady(p: Tensor): void {
    if (!this._sync) return;
    const b = this._bucketOf.get(p)!;
    if (!this._inFlight) {
      this._inFlight = true;
      for (const q of this._bucketOf.keys()) gradSyncPending.set(q, '`await model.waitForGradients()` after backward()');
    }
    if (b.work) throw new DistributedError('DistributedDataParallel: a second backward reached parameters whose gradients are being averaged; call `await model.waitForGradients()` after each backward()', 'DistributedDataParallel');
    b.ready++;
    this.launchReady(false);
  }

  /** Launches the ready buckets in index order (all remaining ones when `all`: gradients that never came count as zeros). */
  private launchReady(all: boolean): void {
    while (this._next < this._buckets.length) {
      const b = this._buckets[this._next];
      if (!all && b.ready < b.params.length) return;
      this._next++;
      noGrad(() => {
        const parts = b.params.map((p) => (p.grad ? p.grad.reshape(-1) : zeros([p.numel], { dtype: p.dtype, device: p.device })));
        b.flat = keep(cat(parts));
        for (let i = 0; i < parts.length; i++) if (!b.params[i].grad) parts[i].dispose();
        b.work = allReduce(b.flat, 'avg', { async: true });
      });
    }
  }

  /**
   * Waits for this iteration's gradient averaging and writes the averages into the parameters'
   * `.grad`; call it between `backward()` and the optimizer step. Buckets whose gradients did not
   * all arrive (parameters unused in this forward) are averaged with zeros for the missing ones.
   * Resolves at once when nothing is in flight (e.g. after a backward inside noSync).
   */
  async waitForGradients(): Promise<void> {
    if (arguments.length > 0) tooManyArgs('DistributedDataParallel.waitForGradients', '', arguments);
    if (!this._inFlight) return;
    this.launchReady(true);
    try {
      for (const b of this._buckets) await b.work!.wait();
      noGrad(() => {
        for (const b of this._buckets) {
          let off = 0;
          for (const p of b.params) {
            const avg = b.flat!.narrow(0, off, p.numel).reshape(p.shape);
            if (p.grad) p.grad.copy_(avg);
            else p.grad = keep(avg.clone());
            avg.dispose();
            off += p.numel;
          }
        }
      });
    } finally {
      for (const b of this._buckets) {
        b.flat?.dispose();
        b.flat = null;
        b.work = null;
        b.ready = 0;
      }
      this._next = 0;
      this._inFlight = false;
      for (const q of this._bucketOf.keys()) gradSyncPending.delete(q);
    }
  }

  /** The wrapped module's state dict, without PyTorch's `module.` prefix. */
  stateDict(): Record<string, Tensor> {
    if (arguments.length > 0) tooManyArgs('DistributedDataParallel.stateDict', '', arguments);
    return this.module.stateDict();
  }

  /** Loads into the wrapped module; keys may also all carry PyTorch's `module.` prefix. */
  loadStateDict(...args: unknown[]): { missingKeys: string[]; unexpectedKeys: string[] } {
    const state = args[0];
    if (state !== null && typeof state === 'object') {
      const src = state instanceof Map ? Object.fromEntries(state as Map<string, Tensor>) : (state as Record<string, Tensor>);
      const keys = Object.keys(src);
      if (keys.length > 0 && keys.every((k) => k.startsWith('module.'))) {
        return this.module.loadStateDict(Object.fromEntries(keys.map((k) => [k.slice(7), src[k]])), ...(args.slice(1) as [boolean]));
      }
    }
    return (this.module.loadStateDict as (...a: unknown[]) => { missingKeys: string[]; unexpectedKeys: string[] })(...args);
  }

  /** Removes the gradient hooks (the wrapped module keeps its tensors). */
  dispose(): void {
    for (const h of this._hooks) h.remove();
    this._hooks = [];
    for (const q of this._bucketOf.keys()) gradSyncPending.delete(q);
    this.module.dispose();
  }

  extraRepr(): string { return `rank=${isInitialized() ? getRank() : '?'}, buckets=${this._buckets.length}`; }
}
