// graphs.ts — CUDA graphs (fl.cuda.CUDAGraph, fl.cuda.graph, fl.cuda.makeGraphedCallable), shaped like
// torch.cuda's. A capture records the GPU work of a function, queued on a side stream, into one
// graph (cuStreamBeginCapture .. cuStreamEndCapture, cuGraphInstantiate; hipGraph* on AMD) instead
// of running it; replay() relaunches all of it with one host call. The memory the captured kernels
// use comes from a private pool of the caching allocator and stays the graph's until reset()
// (native/gpu/caching_allocator.h), so the tensors made during the capture hold the graph's inputs,
// intermediates and outputs at fixed addresses: feed new inputs with copy_ into the tensors the
// capture read, replay, read the outputs the capture made.
//
// What a graph cannot hold is refused while the function runs, with a CaptureError naming the op
// (lib/capture.ts and native/gpu/backend.cpp): host reads and copies, CPU ops, synchronization,
// random ops (their Philox seed and offset are host numbers the graph would bake in), optimizer
// steps that depend on a host step count (Adam, AdamW). The capture is then abandoned (ended, the
// partial graph destroyed, the pool released) and the error rethrown; the process stays usable.
import { describeArg, tooManyArgs } from './arity';
import { noGrad } from './autograd';
import { captureState } from './capture';
import { cuda, Stream } from './device';
import { BackendUnavailableError, CaptureError, ValueError } from './errors';
import { binding, guard } from './native';
import { collectGarbage, keep, scope, Tensor } from './tensor';

/** How strictly the driver refuses unsafe calls during a capture (PyTorch's `capture_error_mode`). */
export type CaptureErrorMode = 'global' | 'threadLocal' | 'relaxed';
const CAPTURE_MODES: Record<CaptureErrorMode, number> = { global: 0, threadLocal: 1, relaxed: 2 };

/** Options of `fl.cuda.graph`. */
export interface GraphOptions {
  /** The stream to capture on (default: a side stream flintml keeps for captures; never the default stream). */
  stream?: Stream;
  /** The driver's capture mode (default `'global'`, as PyTorch). */
  captureErrorMode?: CaptureErrorMode;
}

function requireGraphs(op: string): void {
  if (!cuda.isAvailable()) throw new BackendUnavailableError(`${op}: CUDA graphs need a GPU backend: ${cuda.unavailableReason()}`);
  if (!guard(() => binding.gpuGraphsSupported())) {
    throw new BackendUnavailableError(`${op}: this GPU driver has no graph entry points (stream capture needs CUDA 11.4+ or HIP 5.3+): update the driver`);
  }
}

const graphRegistry = new FinalizationRegistry<number>((id) => { try { binding.gpuGraphDestroy(id); } catch { /* process exit */ } });

/**
 * A captured CUDA graph (`torch.cuda.CUDAGraph`): filled by `fl.cuda.graph(g, fn)`, relaunched by
 * `g.replay()`, destroyed by `g.reset()` (or `dispose()`, `using`), which also returns its private
 * memory pool to the allocator.
 * ```ts
 * const g = new fl.cuda.CUDAGraph();
 * const y = fl.cuda.graph(g, () => x.mul(2).add(1));  // x: a GPU tensor made before the capture
 * x.copy_(fl.tensor([5, 6]));  g.replay();  y.toArray()  // [11, 13]
 * ```
 */
export class CUDAGraph {
  /** @internal the native graph id; 0 before a capture and after reset() */
  _id = 0;
  constructor() {
    if (arguments.length > 0) tooManyArgs('CUDAGraph', '', arguments);
    requireGraphs('cuda.CUDAGraph');
  }
  /** Whether the graph holds a capture (between `fl.cuda.graph` and `reset()`). */
  get captured(): boolean { return this._id !== 0; }
  /** Launches the captured work on the current stream; returns at once, as any GPU op. */
  replay(): void {
    if (arguments.length > 0) tooManyArgs('CUDAGraph.replay', '', arguments);
    if (this._id === 0) throw new ValueError('CUDAGraph.replay: the graph holds no capture (capture it with fl.cuda.graph(g, fn) first)');
    guard(() => binding.gpuGraphReplay(this._id));
  }
  /**
   * Destroys the graph (after the replays queued so far finish) and releases its private pool: the
   * memory of tensors made during the capture that were disposed goes back to the device, that of
   * tensors still alive joins the general cache. The graph can capture again afterwards.
   */
  reset(): void {
    if (arguments.length > 0) tooManyArgs('CUDAGraph.reset', '', arguments);
    if (this._id === 0) return;
    const id = this._id;
    graphRegistry.unregister(this);
    this._id = 0;
    guard(() => binding.gpuGraphDestroy(id));
  }
  /** Same as `reset()`. */
  dispose(): void { if (arguments.length > 0) tooManyArgs('CUDAGraph.dispose', '', arguments); this.reset(); }
  /** `using g = new fl.cuda.CUDAGraph()` resets it at the end of the block. */
  [Symbol.dispose](): void { this.reset(); }
}

const captureStreams = new Map<number, Stream>();
function sideStream(): Stream {
  const dev = cuda.currentDevice();
  let s = captureStreams.get(dev);
  if (!s) { s = new Stream({ device: dev }); captureStreams.set(dev, s); }
  return s;
}

/**
 * Captures the GPU work of `fn` into `g` instead of running it (`with torch.cuda.graph(g): …`),
 * and returns what `fn` returned: tensors whose memory the graph writes on every `g.replay()`.
 * `fn` runs once, synchronously, on a side stream; its tensors come from the graph's private
 * pool. Tensors it reads that were made before (static inputs, parameters) must stay alive while
 * the graph is used: refill them with `copy_` before a replay. Temporaries may be freed inside
 * `fn` (`fl.scope`): the capture reuses their memory, nobody else does until `g.reset()`.
 * Run the work once or a few times eagerly first (warm-up on a side stream, as in PyTorch), so
 * that lazy state (optimizer buffers, gradients) exists before the capture.
 *
 * A host read, a copy from a CPU tensor, an op on CPU tensors, a synchronization, a random op or an
 * Adam step inside `fn` throws CaptureError naming the op; the capture is abandoned and `g` left
 * empty. Captures do not nest.
 * ```ts
 * const g = new fl.cuda.CUDAGraph();
 * const out = fl.cuda.graph(g, () => fl.scope(() => model.forward(staticX)));
 * staticX.copy_(batch); g.replay();  // out holds the model's output for batch
 * ```
 */
export function graph<T>(g: CUDAGraph, fn: () => T, options: GraphOptions = {}): T {
  if (arguments.length > 3) tooManyArgs('cuda.graph', 'graph, fn, options', arguments);
  if (!(g instanceof CUDAGraph)) throw new ValueError('cuda.graph: expected a fl.cuda.CUDAGraph as the first argument');
  if (typeof fn !== 'function') throw new ValueError('cuda.graph: expected a function to capture as the second argument');
  if (options === null || typeof options !== 'object') throw new ValueError('cuda.graph: options must be an object');
  for (const k of Object.keys(options)) {
    if (k !== 'stream' && k !== 'captureErrorMode') throw new ValueError(`cuda.graph: unknown option '${k}' (expected stream, captureErrorMode)`);
  }
  const modeName = options.captureErrorMode ?? 'global';
  if (!Object.prototype.hasOwnProperty.call(CAPTURE_MODES, modeName)) {
    throw new ValueError(`cuda.graph: captureErrorMode must be 'global', 'threadLocal' or 'relaxed', got ${describeArg(modeName)}`);
  }
  if (g.captured) throw new ValueError('cuda.graph: the graph already holds a capture; reset() it before capturing again');
  if (captureState.active) throw new CaptureError('cuda.graph: a capture is already in progress (captures do not nest)');
  requireGraphs('cuda.graph');
  const stream = options.stream ?? sideStream();
  if (!(stream instanceof Stream)) throw new ValueError('cuda.graph: options.stream must be a fl.cuda.Stream');
  if (stream.id === 0) throw new CaptureError('cuda.graph: the default stream cannot capture; pass a fl.cuda.Stream');
  // forgotten tensors go back to the cache now, not as frees held by the capture
  collectGarbage();
  const prev = guard(() => binding.gpuCurrentStream());
  stream.waitStream(cuda.currentStream());  // the capture's work comes after what was queued before
  guard(() => binding.gpuSetCurrentStream(stream.id));
  let result: T;
  try {
    guard(() => binding.gpuCaptureBegin(stream.id, CAPTURE_MODES[modeName]));
    captureState.active = true;
    result = fn();
    if (result instanceof Promise) {
      result.catch(() => undefined);
      throw new CaptureError('cuda.graph: the captured function returned a Promise; capture a synchronous function (other work could interleave with an async one)');
    }
    captureState.active = false;
    g._id = guard(() => binding.gpuCaptureEnd());
  } catch (e) {
    captureState.active = false;
    guard(() => binding.gpuCaptureAbort());
    throw e;
  } finally {
    captureState.active = false;
    guard(() => binding.gpuSetCurrentStream(prev));
  }
  graphRegistry.register(g, g._id, g);
  return result;
}

/** Whether the current stream is capturing a CUDA graph (`torch.cuda.is_current_stream_capturing`). */
export function isCurrentStreamCapturing(): boolean {
  if (arguments.length > 0) tooManyArgs('cuda.isCurrentStreamCapturing', '', arguments);
  return captureState.active && guard(() => binding.gpuIsCapturing());
}

/** Options of `fl.cuda.makeGraphedCallable`. */
export interface GraphedCallableOptions {
  /** Eager runs on a side stream before the capture (default 3, as PyTorch). */
  numWarmupIters?: number;
}

/** What `fl.cuda.makeGraphedCallable` returns: call it like `fn`; `dispose()` frees the graph. */
export interface GraphedCallable<R> {
  (...inputs: Tensor[]): R;
  /** The graph replayed by each call. */
  readonly graph: CUDAGraph;
  /** Resets the graph and frees the static inputs and outputs. */
  dispose(): void;
}

type Outputs = Tensor | readonly Tensor[];

function outputList(out: Outputs, op: string): Tensor[] {
  const list = out instanceof Tensor ? [out] : Array.isArray(out) ? [...out] : null;
  if (!list || list.some((t) => !(t instanceof Tensor))) throw new ValueError(`${op}: the function must return a Tensor or an array of Tensors`);
  return list;
}

/**
 * A version of `fn` that replays a CUDA graph of it (`torch.cuda.make_graphed_callables`, forward
 * only: the graph is captured under `noGrad` and its outputs do not require grad; capture a whole
 * training step with `fl.cuda.graph` instead). `fn` runs `numWarmupIters` times on a side stream,
 * then once under capture on copies of `sampleInputs` (the static inputs). Each call copies its
 * inputs (same shapes and dtypes as the samples) into the static inputs, replays, and returns views
 * of the static outputs: the next call overwrites them (clone what must survive it).
 * ```ts
 * const f = fl.cuda.makeGraphedCallable((x) => model.forward(x), [fl.zeros([8, 64], { device: 'cuda' })]);
 * const y = f(batch);  // batch: [8, 64] on the GPU
 * f.dispose();
 * ```
 */
export function makeGraphedCallable<R extends Outputs>(fn: (...inputs: Tensor[]) => R, sampleInputs: readonly Tensor[],
  options: GraphedCallableOptions = {}): GraphedCallable<R> {
  const op = 'cuda.makeGraphedCallable';
  if (arguments.length > 3) tooManyArgs(op, 'fn, sampleInputs, options', arguments);
  if (typeof fn !== 'function') throw new ValueError(`${op}: expected a function as the first argument`);
  if (!Array.isArray(sampleInputs) || sampleInputs.some((t) => !(t instanceof Tensor))) {
    throw new ValueError(`${op}: sampleInputs must be an array of Tensors`);
  }
  if (options === null || typeof options !== 'object') throw new ValueError(`${op}: options must be an object`);
  for (const k of Object.keys(options)) if (k !== 'numWarmupIters') throw new ValueError(`${op}: unknown option '${k}' (expected numWarmupIters)`);
  const warmup = options.numWarmupIters ?? 3;
  if (!Number.isInteger(warmup) || warmup < 0) throw new ValueError(`${op}: numWarmupIters must be an integer >= 0, got ${describeArg(warmup)}`);
  requireGraphs(op);
  for (const t of sampleInputs) {
    if (!t.device.startsWith('cuda')) throw new ValueError(`${op}: sample inputs must be GPU tensors, got one on ${describeArg(t.device)}`);
  }
  const statics: Tensor[] = noGrad(() => sampleInputs.map((t) => keep(t.clone())));
  const g = new CUDAGraph();
  let outs: Tensor[];
  let asTensor: boolean;
  try {
    const side = new Stream();
    side.waitStream(cuda.currentStream());
    cuda.withStream(side, () => noGrad(() => { for (let i = 0; i < warmup; i++) scope(() => { fn(...statics); }); }));
    cuda.currentStream().waitStream(side);
    side.destroy();
    const raw: Outputs = graph(g, () => noGrad(() => scope(() => fn(...statics))));
    asTensor = raw instanceof Tensor;
    outs = outputList(raw, op).map((t) => keep(t));
  } catch (e) {
    g.reset();
    for (const t of statics) t.dispose();
    throw e;
  }
  const call = (...inputs: Tensor[]): R => {
    if (!g.captured) throw new ValueError(`${op}: the graphed callable was disposed`);
    if (inputs.length !== statics.length) throw new ValueError(`${op}: expected ${String(statics.length)} input(s), got ${String(inputs.length)}`);
    inputs.forEach((x, i) => {
      const s = statics[i];
      if (!(x instanceof Tensor)) throw new ValueError(`${op}: input ${String(i)} is not a Tensor`);
      if (x.dtype !== s.dtype || x.shape.length !== s.shape.length || x.shape.some((d, k) => d !== s.shape[k])) {
        throw new ValueError(`${op}: input ${String(i)} is ${x.dtype} [${x.shape.join(', ')}]; the graph was captured for ${s.dtype} [${s.shape.join(', ')}]`);
      }
    });
    noGrad(() => inputs.forEach((x, i) => statics[i].copy_(x)));
    g.replay();
    const views = outs.map((o) => o.detach());
    return (asTensor ? views[0] : views) as unknown as R;
  };
  return Object.assign(call, {
    graph: g,
    dispose(): void {
      g.reset();
      for (const t of [...statics, ...outs]) t.dispose();
    },
  });
}
