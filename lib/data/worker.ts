// worker.ts — the DataLoader's worker threads (`numWorkers > 0`).
//
// Tensors cannot cross threads, so a worker rebuilds the dataset from its `workerSource()`
// (`require(module)[exportName]` constructed with `args`), calls `get(i)` for the indices of one
// batch, and posts plain data back: the packed batch (pack.ts) when the default collate is in use,
// else the raw items for the main thread's `collate`. The main thread makes the tensors.
//
// An iterable dataset (IterableDataset): the worker opens the iterator of its own copy once and
// answers each request with the next `count` items (one without automatic batching), or with
// "ended" once the stream is exhausted (or, with `dropLast`, has less than a batch left), as
// torch's _IterableDatasetFetcher. Its requests are served one after another (one stream).
//
// Set-up, in torch's order: the worker's WorkerInfo (iterable.ts's global: id, numWorkers, seed) is
// set first, so that the dataset's constructor can read it; flintml's default generator in the worker
// is seeded with the worker's seed when the dataset's module loaded flintml (the main thread's copy
// of lib/generator: the one the DataLoader itself runs on); then the dataset is constructed, the
// WorkerInfo gets it, and the `workerInitFn` (torch's worker_init_fn) runs with the worker's id.
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
import type { WorkerFunction, WorkerSource } from './dataset';

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

let dataset, pack, iterator = null, ended = false, seeded = false;
const INFO = Symbol.for('flintml.data.workerInfo');
const { source, packModule, iterable, info, initFn, generatorModule } = workerData;
// flintml's default generator, seeded once the dataset's code has loaded it (never loaded here)
function seedFlint() {
  const m = !seeded && generatorModule ? require.cache[generatorModule] : undefined;
  if (m && m.loaded && m.exports && typeof m.exports.manualSeed === 'function') { m.exports.manualSeed(info.seed); seeded = true; }
}
function openIterator(ds) {
  if (typeof ds[Symbol.asyncIterator] === 'function') return ds[Symbol.asyncIterator]();
  if (typeof ds[Symbol.iterator] === 'function') return ds[Symbol.iterator]();
  throw new Error('DataLoader worker: the IterableDataset implements neither [Symbol.iterator]() nor [Symbol.asyncIterator]()');
}
async function setUp() {
  globalThis[INFO] = Object.freeze({ id: info.id, numWorkers: info.numWorkers, seed: info.seed, dataset: null });
  const cls = load(source.module)[source.exportName];
  if (typeof cls !== 'function') throw new Error('DataLoader worker: ' + source.module + " does not export a class named '" + source.exportName + "'");
  seedFlint();
  dataset = new cls(...(source.args || []));
  globalThis[INFO] = Object.freeze({ id: info.id, numWorkers: info.numWorkers, seed: info.seed, dataset });
  seedFlint();
  if (initFn) {
    const fn = load(initFn.module)[initFn.exportName];
    if (typeof fn !== 'function') throw new Error('DataLoader worker: ' + initFn.module + " does not export a function named '" + initFn.exportName + "' (the workerInitFn)");
    seedFlint();
    await fn(info.id);
    seedFlint();
  }
  pack = load(packModule);
  if (iterable) iterator = openIterator(dataset);
}
const ready = setUp();
ready.catch((e) => parentPort.postMessage({ id: -1, ok: false, error: errorInfo(e) }));

// The next item of the stream, or ended (a sync iterator's result is used as it is: no await per item)
async function step() {
  let r = iterator.next();
  if (r && typeof r.then === 'function') r = await r;
  if (r === null || typeof r !== 'object') throw new Error('DataLoader worker: the iterator of the IterableDataset returned ' + safeString(r) + ' from next(), not a { value, done } result');
  if (r.done) ended = true;
  return r;
}
/** The items of one request: { items } or { end: true }. */
async function nextItems(req) {
  if (ended) return { end: true };
  const items = [];
  const count = req.count === null ? 1 : req.count;
  while (items.length < count) {
    const r = await step();
    if (r.done) break;
    items.push(r.value);
  }
  if (items.length === 0 || (req.dropLast && items.length < count)) return { end: true };
  return { items };
}

const isTensor = () => false;
async function serve(req) {
  try {
    await ready;
    let items;
    if (iterable) {
      const r = await nextItems(req);
      if (r.end) { parentPort.postMessage({ id: req.id, ok: true, end: true }); return; }
      items = r.items;
    } else {
      items = [];
      for (const i of req.indices) items.push(await dataset.get(i));
    }
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
}
// a map-style dataset's requests run concurrently (get may be async); a stream's one after another
let queue = Promise.resolve();
parentPort.on('message', (req) => {
  if (iterable) queue = queue.then(() => serve(req));
  else serve(req);
});
`;

/** @internal A worker's failure as the main thread sees it. */
export interface WorkerErrorInfo { name: string; message: string; stack: string }

let liveWorkers = 0;
/** @internal Worker threads started by DataLoaders and not yet exited (tests check that none linger). */
export function liveWorkerCount(): number { return liveWorkers; }

interface Pending { resolve(v: unknown): void; reject(e: unknown): void }

/** @internal What a worker answers for a stream that has no more batches (torch's _IterableDatasetStopIteration). */
export const ENDED: unique symbol = Symbol('DataLoader worker: stream ended');

/** @internal How the workers of one epoch are set up. */
export interface WorkerPoolOptions {
  /** The dataset is an IterableDataset: requests ask for the next items of each worker's stream. */
  iterable: boolean;
  /** The epoch's base seed: worker w's seed is baseSeed + w. */
  baseSeed: number;
  /** torch's worker_init_fn, run in each worker with its id. */
  initFn: WorkerFunction | null;
  /** The file of the lib/generator module the main thread runs (the worker seeds that flintml when the dataset loads it). */
  generatorModule: string | null;
}

/** @internal A fixed set of workers serving batch requests; results are matched by request id. */
export class WorkerPool {
  private readonly workers: Worker[] = [];
  private readonly pending: Map<number, Pending>[] = [];
  private readonly failed: (Error | null)[] = [];
  private nextId = 0;
  private closed = false;

  constructor(source: WorkerSource, n: number, packModule: string, options: WorkerPoolOptions, private readonly makeError: (info: WorkerErrorInfo, worker: number) => Error) {
    for (let w = 0; w < n; w++) {
      const workerData = {
        source, packModule, iterable: options.iterable, initFn: options.initFn, generatorModule: options.generatorModule,
        info: { id: w, numWorkers: n, seed: options.baseSeed + w },
      };
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData });
      worker.unref();
      liveWorkers++;
      const pending = new Map<number, Pending>();
      this.workers.push(worker);
      this.pending.push(pending);
      this.failed.push(null);
      worker.on('message', (m: { id: number; ok: boolean; value?: unknown; end?: boolean; error?: WorkerErrorInfo }) => {
        if (m.id === -1) { this.fail(w, this.makeError(m.error!, w)); return; }
        const p = pending.get(m.id);
        if (!p) return;
        pending.delete(m.id);
        if (pending.size === 0) worker.unref();
        if (m.ok) p.resolve(m.end ? ENDED : m.value); else p.reject(this.makeError(m.error!, w));
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

  /** Asks worker w for the items at `indices` (a map-style dataset), packed (default collate) or raw. */
  run(w: number, indices: Int32Array, pack: boolean): Promise<unknown> {
    return this.request(w, { indices: Array.from(indices), pack });
  }

  /**
   * Asks worker w for the next `count` items of its stream (an iterable dataset; `null`: one item,
   * unbatched), packed or raw; `ENDED` when it has none left (or, with `dropLast`, less than `count`).
   */
  next(w: number, count: number | null, pack: boolean, dropLast: boolean): Promise<unknown> {
    return this.request(w, { count, pack, dropLast });
  }

  private request(w: number, req: Record<string, unknown>): Promise<unknown> {
    if (this.failed[w]) return Promise.reject(this.failed[w]);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.pending[w].size === 0) this.workers[w].ref();
      this.pending[w].set(id, { resolve, reject });
      this.workers[w].postMessage({ id, ...req });
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
