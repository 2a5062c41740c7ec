// checkpoint.ts — `saveCheckpoint`/`loadCheckpoint`: a training run's whole state in one
// safetensors file, so that a resumed run continues bit for bit as if it had never stopped.
//
// Layout (readable by any safetensors reader):
//   tensors    `model.<name>`        the model's stateDict (parameters and persistent buffers)
//              `optim.<i>.<key>`     optimizer state tensors of parameter i (numbered over all groups
//                                    in order, as `Optimizer.stateDict()` does), e.g. optim.0.expAvg
//   metadata   format     "flintml.checkpoint/1"
//              optimizer  JSON { type, stepCount, paramGroups, state: { i: { non-tensor entries } } }
//              scheduler  JSON of `scheduler.stateDict()`
//              rng        JSON of `fl.getRngState()` at save time
//              loader     JSON { epoch }: the epoch the data loader runs next
//              extra      JSON of the caller's `extra`
// JSON numbers round-trip exactly in JavaScript (shortest round-trip form); the values JSON cannot
// carry (±Infinity, NaN, -0) are written as { "$number": "<String>" }. Tensors keep their dtype
// and bits. Save between epochs for an exact resume: the loader position within an epoch is not
// stored (keep a batch index in `extra` and skip to it if you need mid-epoch resumes).
import { describeArg } from '../arity';
import { tooManyArgs } from '../args';
import { checkPath } from '../arity';
import { ValueError } from '../errors';
import { Tensor } from '../tensor';
import { Module, prepareLoadStateDict } from '../nn/module';
import { Optimizer, OptimizerStateDict, ParamState } from '../optim/optimizer';
import { LRScheduler, ReduceLROnPlateau } from '../optim/lr_scheduler';
import { DataLoader } from '../data/dataloader';
import { getRngState, setRngState } from '../ops/random';
import { load, loadMetadata, loadMetadataSync, loadSync, save, saveSync } from './safetensors';

/** What `saveCheckpoint` stores. */
export interface CheckpointState {
  /** The model: its stateDict (parameters and persistent buffers). */
  model: Module;
  /** The optimizer: state tensors, per-parameter steps, hyperparameters of every group. */
  optimizer?: Optimizer;
  /** The learning-rate scheduler's stateDict. */
  scheduler?: LRScheduler | ReduceLROnPlateau;
  /** A data loader: its next epoch (which picks the shuffled order). */
  loader?: DataLoader<unknown, unknown>;
  /** Anything JSON-serialisable of the caller's: step counters, config, metrics. */
  extra?: unknown;
}

/** What `loadCheckpoint` restores into. */
export interface CheckpointTargets {
  model: Module;
  optimizer?: Optimizer;
  scheduler?: LRScheduler | ReduceLROnPlateau;
  loader?: DataLoader<unknown, unknown>;
  /** Restore the global random generator's state (default true: needed for dropout etc. to repeat). */
  rng?: boolean;
}

/** What `loadCheckpoint` returns besides restoring the targets. */
export interface LoadedCheckpoint {
  /** The `extra` value that was saved (undefined when none). */
  extra: unknown;
  /** The loader epoch that was saved (undefined when no loader was). */
  epoch: number | undefined;
}

const FORMAT = 'flintml.checkpoint/1';

function encode(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === 'number' && (!Number.isFinite(x) || Object.is(x, -0)) ? { $number: Object.is(x, -0) ? '-0' : String(x) } : x));
}
function decode(s: string, key: string, path: string, op: string): any {
  try {
    return JSON.parse(s, (_k, x) => (x && typeof x === 'object' && !Array.isArray(x) && Object.keys(x).length === 1 && typeof x.$number === 'string' ? Number(x.$number) : x));
  } catch (e) {
    throw new ValueError(`${op}: metadata '${key}' of ${path} is not valid JSON (${(e as Error).message})`);
  }
}

/** The tensors and metadata of a checkpoint; optimizer state tensors are copies to dispose after writing. */
function collect(state: CheckpointState, op: string): { tensors: Record<string, Tensor>; owned: Tensor[]; metadata: Record<string, string> } {
  if (!state || typeof state !== 'object' || !(state.model instanceof Module)) throw new ValueError(`${op}: expected { model, optimizer?, scheduler?, loader?, extra? } with model an nn.Module`);
  const { model, optimizer, scheduler, loader, extra } = state;
  if (optimizer !== undefined && !(optimizer instanceof Optimizer)) throw new ValueError(`${op}: optimizer must be an fl.optim.Optimizer`);
  if (scheduler !== undefined && !(scheduler instanceof LRScheduler) && !(scheduler instanceof ReduceLROnPlateau)) throw new ValueError(`${op}: scheduler must be an fl.optim.LRScheduler or ReduceLROnPlateau`);
  if (loader !== undefined && !(loader instanceof DataLoader)) throw new ValueError(`${op}: loader must be an fl.data.DataLoader`);
  const tensors: Record<string, Tensor> = {};
  const owned: Tensor[] = [];
  const metadata: Record<string, string> = { format: FORMAT, rng: encode(getRngState()) };
  for (const [k, t] of Object.entries(model.stateDict())) tensors[`model.${k}`] = t;
  if (optimizer) {
    const sd = optimizer.stateDict();
    const plain: Record<number, Record<string, unknown>> = {};
    for (const [i, s] of Object.entries(sd.state)) {
      plain[Number(i)] = {};
      for (const [k, v] of Object.entries(s)) {
        if (v instanceof Tensor) { tensors[`optim.${i}.${k}`] = v; owned.push(v); }
        else if (isTensorList(v)) {
          // a list of tensors (LBFGS's history): each as optim.<i>.<key>#<j>, the count in the metadata
          v.forEach((t, j) => { tensors[`optim.${i}.${k}#${j}`] = t; owned.push(t); });
          plain[Number(i)][k] = { $tensors: v.length };
        } else plain[Number(i)][k] = v;
      }
    }
    metadata.optimizer = encode({ type: optimizer.constructor.name, stepCount: optimizer._stepCount, paramGroups: sd.paramGroups, state: plain });
  }
  if (scheduler) metadata.scheduler = encode({ type: scheduler instanceof ReduceLROnPlateau ? 'ReduceLROnPlateau' : scheduler.constructor.name, state: scheduler.stateDict() });
  if (loader) metadata.loader = encode({ epoch: loader.epoch });
  if (extra !== undefined) {
    const s = encode(extra);
    if (s === undefined) throw new ValueError(`${op}: extra must be JSON-serialisable, got ${typeof extra}`);
    metadata.extra = s;
  }
  return { tensors, owned, metadata };
}

/**
 * Saves a training run's state (model, optimizer, scheduler, RNG state, loader epoch and your
 * `extra`) to one safetensors file; see `loadCheckpoint` to resume.
 *
 * ```ts
 * await fl.saveCheckpoint('run.ckpt.safetensors', { model, optimizer: opt, scheduler: sched, loader, extra: { step } });
 * ```
 */
export async function saveCheckpoint(path: string, state: CheckpointState): Promise<void> {
  if (arguments.length > 2) tooManyArgs('saveCheckpoint', 'path, state', arguments);
  const { tensors, owned, metadata } = collect(state, 'saveCheckpoint');
  const written = save(tensors, path, metadata);  // reads the tensors before its first await
  owned.forEach((t) => t.dispose());
  await written;
}

/** `saveCheckpoint` that blocks until the file is written. */
export function saveCheckpointSync(path: string, state: CheckpointState): void {
  if (arguments.length > 2) tooManyArgs('saveCheckpointSync', 'path, state', arguments);
  const { tensors, owned, metadata } = collect(state, 'saveCheckpointSync');
  try { saveSync(tensors, path, metadata); } finally { owned.forEach((t) => t.dispose()); }
}

/** The optimizer's new state built aside; a mismatch names the checkpoint and the parameter. */
function prepareOptimizer(optimizer: Optimizer, sd: OptimizerStateDict, path: string, op: string): { commit(): void; abort(): void } {
  try {
    return optimizer._prepareLoad(sd);
  } catch (e) {
    if (e instanceof ValueError) throw new ValueError(`${op}: ${path}: ${e.message}`);
    throw e;
  }
}

function restore(path: string, loaded: Record<string, Tensor>, meta: Record<string, string>, targets: CheckpointTargets, op: string): LoadedCheckpoint {
  if (!targets || typeof targets !== 'object' || !(targets.model instanceof Module)) throw new ValueError(`${op}: expected { model, optimizer?, scheduler?, loader? } with model an nn.Module`);
  if (meta.format !== FORMAT) {
    throw new ValueError(`${op}: ${path} is not a flintml checkpoint (metadata format is ${meta.format === undefined ? 'missing' : JSON.stringify(meta.format)}, expected "${FORMAT}")`);
  }
  const { model, optimizer, scheduler, loader } = targets;
  if (scheduler !== undefined && !(scheduler instanceof LRScheduler) && !(scheduler instanceof ReduceLROnPlateau)) throw new ValueError(`${op}: scheduler must be an fl.optim.LRScheduler or ReduceLROnPlateau`);
  const modelSd: Record<string, Tensor> = {};
  const optimTensors = new Map<number, Record<string, Tensor>>();
  const optimLists = new Map<number, Map<string, Tensor[]>>();
  for (const [name, t] of Object.entries(loaded)) {
    if (name.startsWith('model.')) { modelSd[name.slice(6)] = t; continue; }
    const m = /^optim\.(\d+)\.(.+)$/.exec(name);
    if (!m) throw new ValueError(`${op}: unexpected tensor '${name}' in ${path} (expected model.* or optim.<i>.*)`);
    const i = Number(m[1]);
    if (!optimTensors.has(i)) optimTensors.set(i, {});
    const item = /^(.+)#(\d+)$/.exec(m[2]);
    if (item) {
      const lists = optimLists.get(i) ?? new Map<string, Tensor[]>();
      optimLists.set(i, lists);
      const list = lists.get(item[1]) ?? [];
      lists.set(item[1], list);
      list[Number(item[2])] = t;
    } else optimTensors.get(i)![m[2]] = t;
  }
  // check everything that can fail before changing any target
  let extra: unknown;
  let optimSd: OptimizerStateDict | undefined, stepCount = 0;
  if (optimizer) {
    if (meta.optimizer === undefined) throw new ValueError(`${op}: ${path} has no optimizer state`);
    const o = decode(meta.optimizer, 'optimizer', path, op);
    if (o.type !== optimizer.constructor.name) throw new ValueError(`${op}: ${path} holds ${String(o.type)} state, the optimizer is ${optimizer.constructor.name}`);
    const state: Record<number, ParamState> = {};
    for (const [i, s] of Object.entries(o.state as Record<string, ParamState>)) state[Number(i)] = { ...s };
    for (const [i, ts] of optimTensors) state[i] = { ...(state[i] ?? {}), ...ts };
    // the lists of tensors: each { $tensors: n } in the metadata is the n tensors <key>#0.. of the file
    for (const [i, s] of Object.entries(state)) {
      for (const [k, v] of Object.entries(s as Record<string, unknown>)) {
        if (v === null || typeof v !== 'object' || v instanceof Tensor || !('$tensors' in v)) continue;
        const n = (v as { $tensors: unknown }).$tensors;
        const list = optimLists.get(Number(i))?.get(k) ?? [];
        if (typeof n !== 'number' || list.length !== n || list.some((t) => !(t instanceof Tensor))) {
          throw new ValueError(`${op}: ${path}: the optimizer's state '${k}' of parameter ${i} should hold ${describeArg(n)} tensors, the file has ${list.filter((t) => t instanceof Tensor).length}`);
        }
        (s as Record<string, unknown>)[k] = list;
      }
    }
    optimSd = { state, paramGroups: o.paramGroups };
    stepCount = o.stepCount ?? 0;
  }
  let schedState: Record<string, any> | undefined;
  if (scheduler) {
    if (meta.scheduler === undefined) throw new ValueError(`${op}: ${path} has no scheduler state`);
    const s = decode(meta.scheduler, 'scheduler', path, op);
    const kind = scheduler instanceof ReduceLROnPlateau ? 'ReduceLROnPlateau' : scheduler.constructor.name;
    if (s.type !== kind) throw new ValueError(`${op}: ${path} holds ${String(s.type)} state, the scheduler is ${kind}`);
    schedState = s.state;
  }
  let epoch: number | undefined;
  if (meta.loader !== undefined) epoch = decode(meta.loader, 'loader', path, op).epoch;
  if (loader && epoch === undefined) throw new ValueError(`${op}: ${path} has no data loader state`);
  if (loader && (typeof epoch !== 'number' || !Number.isInteger(epoch) || epoch < 0)) throw new ValueError(`${op}: ${path} has a bad loader epoch ${JSON.stringify(epoch)}`);
  const rng = decode(meta.rng ?? 'null', 'rng', path, op);
  const restoreRng = targets.rng ?? true;
  if (restoreRng) {
    if (!rng) throw new ValueError(`${op}: ${path} has no RNG state`);
    const now = getRngState();
    try { setRngState(rng); } catch (e) { throw new ValueError(`${op}: ${path} has a bad RNG state (${(e as Error).message})`); } finally { setRngState(now); }
  }
  if (scheduler && (schedState === null || typeof schedState !== 'object')) throw new ValueError(`${op}: ${path} has a bad scheduler state`);
  extra = meta.extra === undefined ? undefined : decode(meta.extra, 'extra', path, op);

  // all-or-nothing: the model's keys and shapes, then the optimizer's state (built aside), are
  // checked before anything is written; only copies (and out-of-memory) can fail after this
  const model_ = prepareLoadStateDict(model, modelSd, true, `${op}: ${path}: model`);
  const optim_ = optimizer && optimSd ? prepareOptimizer(optimizer, optimSd, path, op) : undefined;
  try {
    model_.commit();
  } catch (e) {
    optim_?.abort();
    throw e;
  }
  if (optim_) { optim_.commit(); optimizer!._stepCount = stepCount; }
  if (scheduler && schedState) scheduler.loadStateDict(schedState);
  if (loader) loader.setEpoch(epoch!);
  if (restoreRng) setRngState(rng);
  return { extra, epoch };
}

/**
 * Restores a checkpoint written by `saveCheckpoint` into the given model, optimizer, scheduler and
 * loader (each must have the same structure as when saved), and the global RNG state (unless
 * `rng: false`). Returns the saved `extra` and loader epoch. Values are copied into the existing
 * parameters and state, so references to them (e.g. in the optimizer) stay valid.
 *
 * ```ts
 * const { extra } = await fl.loadCheckpoint('run.ckpt.safetensors', { model, optimizer: opt, scheduler: sched, loader });
 * ```
 */
export async function loadCheckpoint(path: string, targets: CheckpointTargets): Promise<LoadedCheckpoint> {
  if (arguments.length > 2) tooManyArgs('loadCheckpoint', 'path, targets', arguments);
  checkPath(path, 'loadCheckpoint');
  const meta = await loadMetadata(path);
  const loaded = await load(path);
  try {
    return restore(path, loaded, meta, targets, 'loadCheckpoint');
  } finally {
    for (const t of Object.values(loaded)) t.dispose();
  }
}

/** `loadCheckpoint` that blocks. */
export function loadCheckpointSync(path: string, targets: CheckpointTargets): LoadedCheckpoint {
  if (arguments.length > 2) tooManyArgs('loadCheckpointSync', 'path, targets', arguments);
  checkPath(path, 'loadCheckpointSync');
  const meta = loadMetadataSync(path);
  const loaded = loadSync(path);
  try {
    return restore(path, loaded, meta, targets, 'loadCheckpointSync');
  } finally {
    for (const t of Object.values(loaded)) t.dispose();
  }
}

function isTensorList(v: unknown): v is Tensor[] {
  return Array.isArray(v) && v.length > 0 && v.every((t) => t instanceof Tensor);
}
