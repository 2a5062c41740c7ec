// worker.ts — the DataLoader's worker threads (`numWorkers > 0`).
//
// Tensors cannot cross threads, so a worker rebuilds the dataset from its `workerSource()`
// (`require(module)[exportName]` constructed with `args`), calls `get(i)` for the indices of one
// batch, and posts plain data back: the packed batch (pack.ts) when the default collate is in use,
// else the raw items for the main thread's `collate`. The main thread makes the tensors.
//
// The worker program is a string run with `eval: true`, so that it works the same from `dist/`
// (JavaScript) and from the TypeScript sources under ts-jest: a `.ts` module is transpiled in the
// worker with the `typescript` package when no `.ts` loader is registered.
//
// Lifetime: a worker is `ref`ed only while it has requests in flight, so an abandoned iterator
// never keeps the process alive; the DataLoader terminates its workers when an iteration ends,
// breaks early (`return()` on the iterator) or throws.
import { Worker } from 'worker_threads';
import { thrownText } from '../arity';
import { FlintError } from '../errors';
import type { WorkerSource } from './dataset';

const WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('worker_threads');
const Module = require('module');
const fs = require('fs');

function installTsHook(from) {
  if (Module._extensions['.ts']) return;
  let ts;
  try { ts = Module.createRequire(from)('typescript'); } catch (e) {
    throw new Error('DataLoader worker: cannot load the TypeScript module ' + from +
      ": the 'typescript' package is not installed; compile the dataset module to JavaScript");
  }
  Module._extensions['.ts'] = function (module, filename) {
    const out = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
      fileName: filename,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    });
    module._compile(out.outputText, filename);
  };
}
function load(file) {
  if (/\.[cm]?ts$/.test(file)) installTsHook(file);
  return Module.createRequire(file)(file);
}
// What the dataset threw, as plain strings: String() itself throws on some values (an object whose
// toString throws or that has no prototype, an array holding a Symbol), and so may reading them.
function safeString(v) {
  try { return String(v); } catch (_) {
    try { return Object.prototype.toString.call(v); } catch (_2) { return 'a value that cannot be printed'; }
  }
}
function errorInfo(e) {
  try {
    if (e && typeof e === 'object') return { name: safeString(e.kind || e.name || 'Error'), message: safeString(e.message), stack: safeString(e.stack || '') };
  } catch (_) { return { name: 'Error', message: 'a thrown value that cannot be read', stack: '' }; }
  return { name: 'Error', message: safeString(e), stack: '' };
}
// A view's structured clone copies its whole buffer, and transferring it would detach the
// dataset's own data: send each TypedArray as a fresh copy, transferred.
function detach(v, buffers, depth) {
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) { const c = v.slice(); buffers.push(c.buffer); return c; }
  if (depth > 16 || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => detach(x, buffers, depth + 1));
  const p = Object.getPrototypeOf(v);
  if (p === Object.prototype || p === null) {
    const o = {};
    for (const k of Object.keys(v)) o[k] = detach(v[k], buffers, depth + 1);
    return o;
  }
  return v;
}

let dataset, pack;
try {
  const { source, packModule } = workerData;
  const cls = load(source.module)[source.exportName];
  if (typeof cls !== 'function') throw new Error('DataLoader worker: ' + source.module + " does not export a class named '" + source.exportName + "'");
  dataset = new cls(...(source.args || []));
  pack = load(packModule);
} catch (e) {
  parentPort.postMessage({ id: -1, ok: false, error: errorInfo(e) });
}

const isTensor = () => false;
parentPort.on('message', async (req) => {
  try {
    if (!dataset) throw new Error('DataLoader worker: the dataset could not be constructed');
    const items = [];
    for (const i of req.indices) items.push(await dataset.get(i));
    if (req.pack) {
      const packed = pack.packItems(items, isTensor);
      parentPort.postMessage({ id: req.id, ok: true, value: packed }, pack.packedBuffers(packed));
    } else {
      const buffers = [];
      const value = detach(items, buffers, 0);
      parentPort.postMessage({ id: req.id, ok: true, value }, buffers);
    }
  } catch (e) {
    parentPort.postMessage({ id: req.id, ok: false, error: errorInfo(e) });
  }
});
`;

/** @internal A worker's failure as the main thread sees it. */
export interface WorkerErrorInfo { name: string; message: string; stack: string }

let liveWorkers = 0;
/** @internal Worker threads started by DataLoaders and not yet exited (tests check that none linger). */
export function liveWorkerCount(): number { return liveWorkers; }

interface Pending { resolve(v: unknown): void; reject(e: unknown): void }

/** @internal A fixed set of workers serving batch requests; results are matched by request id. */
export class WorkerPool {
  private readonly workers: Worker[] = [];
  private readonly pending: Map<number, Pending>[] = [];
  private readonly failed: (Error | null)[] = [];
  private nextId = 0;
  private closed = false;

  constructor(source: WorkerSource, n: number, packModule: string, private readonly makeError: (info: WorkerErrorInfo, worker: number) => Error) {
    for (let w = 0; w < n; w++) {
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { source, packModule } });
      worker.unref();
      liveWorkers++;
      const pending = new Map<number, Pending>();
      this.workers.push(worker);
      this.pending.push(pending);
      this.failed.push(null);
      worker.on('message', (m: { id: number; ok: boolean; value?: unknown; error?: WorkerErrorInfo }) => {
        if (m.id === -1) { this.fail(w, this.makeError(m.error!, w)); return; }
        const p = pending.get(m.id);
        if (!p) return;
        pending.delete(m.id);
        if (pending.size === 0) worker.unref();
        if (m.ok) p.resolve(m.value); else p.reject(this.makeError(m.error!, w));
      });
      // An uncaught exception in the worker (a throw outside get's promise, e.g. in a timer): its own
      // error, with the worker's message and stack, marked as the one that ended the worker. It is
      // kept until 'exit': Node sends the error on the worker's internal port, which the main thread
      // may read before the batches the worker had already posted on the public one; 'exit' comes
      // after Node has delivered those, so they resolve and only the batches truly lost reject.
      let crash: Error | null = null;
      worker.on('error', (e) => {
        const err = e instanceof Error ? e : new Error(thrownText(e));
        err.stack = `${String(err.stack ?? err.message)}\n    (uncaught in DataLoader worker ${String(w)}, which ended)`;
        crash = err;
      });
      // A worker that ends on its own (process.exit in the dataset's code, a fatal error): its batches
      // in flight and later ones reject at once, never wait for an answer that cannot come.
      worker.on('exit', (code) => {
        liveWorkers--;
        if (crash) this.fail(w, crash);
        else if (!this.closed) {
          this.fail(w, new FlintError(`DataLoader worker ${String(w)} exited unexpectedly with code ${String(code)} (process.exit or a fatal error `
            + 'in the dataset\'s code); the batches it was fetching are lost'));
        }
      });
    }
  }

  /** Worker w fails for good: its requests in flight and all later ones reject with e. */
  private fail(w: number, e: Error): void {
    if (this.failed[w]) return;
    this.failed[w] = e;
    for (const p of this.pending[w].values()) p.reject(e);
    this.pending[w].clear();
    this.workers[w].unref();
  }

  /** Asks worker w for the items at `indices`, packed (default collate) or raw. */
  run(w: number, indices: Int32Array, pack: boolean): Promise<unknown> {
    if (this.failed[w]) return Promise.reject(this.failed[w]);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.pending[w].size === 0) this.workers[w].ref();
      this.pending[w].set(id, { resolve, reject });
      this.workers[w].postMessage({ id, indices: Array.from(indices), pack });
    });
  }

  /** Terminates every worker (requests in flight are dropped). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.pending) p.clear();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
