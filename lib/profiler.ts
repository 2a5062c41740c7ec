// profiler.ts — `fl.profiler`: what each op of a step costs, shaped like torch.profiler.
//
//   const prof = fl.profiler.profile(() => step(), { cuda: true });
//   console.log(prof.table({ sortBy: 'cudaTime', rowLimit: 10 }));
//   prof.exportChromeTrace('trace.json');   // open in https://ui.perfetto.dev or chrome://tracing
//
// How it records: every op reaches the addon through native.ts's call() and every host<->device copy
// through its transfer(); while a profile runs, a hook installed there times each one (CPU: wall
// time around the native call; GPU: two timing events recorded on the op's stream around it). When
// no profile runs the hook is null and an op pays one null test. Ranges nest around ops: the user's
// `recordFunction(name, fn)`, a module's `call`, and each autograd node's backward ('MulBackward').
//
// GPU events come from a pool that outlives profiles, and are read once, at the end of the profile,
// after one synchronize of the profiled device: recording costs two event records per GPU op and
// never waits. GPU timestamps are placed on the CPU clock through a base event recorded on the idle
// device at the start (and waited for). No event is recorded while the current stream captures a CUDA graph (a
// capture may not hold timing events): such ops have CPU times only.
import { bool, func, int, oneOf, optional, required, signature, str } from './args';
import { tooManyArgs } from './arity';
import { captureState } from './capture';
import { gpuInfo } from './device';
import { BackendUnavailableError, ValueError } from './errors';
import * as fs from 'fs';
import { binding, callNative, guard, setCallHook } from './native';
import type { CallHook, OperandView, ScalarOperand, TransferKind } from './native';

/** What one recorded event was. */
export type ProfilerEventKind = 'op' | 'copy' | 'range' | 'backward';

/** One recorded op, copy or range. Times in microseconds from the start of the profile. */
export interface ProfilerEvent {
  /** The op's name ('add', 'matmul'), 'Memcpy HtoD' for a copy, the range's name, or 'MulBackward'. */
  readonly name: string;
  readonly kind: ProfilerEventKind;
  /** Operand shapes, outputs first as the op passes them to its kernel (a scalar is `[]`); `[]` for ranges. */
  readonly shapes: readonly (readonly number[])[];
  /** Start on the CPU (host) clock, µs from the profile's start. */
  readonly cpuStart: number;
  /** CPU (host) time from the op's start to its return, µs; a range includes what it contains. */
  readonly cpuTime: number;
  /** Index in `events` of the enclosing range, or -1. */
  readonly parent: number;
  /** Stream id the op ran on (0: the default stream), or -1 for a CPU op or a range. */
  readonly stream: number;
  /** Start of the GPU work on the same clock as `cpuStart`, µs; -1 when not timed on a GPU. */
  readonly cudaStart: number;
  /** GPU time between the events recorded before and after the op on its stream, µs; 0 when not timed. */
  readonly cudaTime: number;
  /** Bytes moved (copies only; 0 otherwise). */
  readonly bytes: number;
}

/** One row of `keyAverages()`: the events of one name (and operand shapes, when grouped by them). */
export interface KeyAverage {
  readonly name: string;
  /** The operand shapes of the group (only with `groupByInputShape`). */
  readonly shapes?: readonly (readonly number[])[];
  readonly calls: number;
  /** Total CPU time, µs (ranges include what they contain). */
  readonly cpuTotal: number;
  /** CPU time less that of the events nested inside, µs. */
  readonly selfCpuTotal: number;
  /** Total GPU time, µs: an op's own, or for a range the sum of the ops inside it. */
  readonly cudaTotal: number;
  /** GPU time of the op itself (0 for ranges), µs. */
  readonly selfCudaTotal: number;
}

/** Options of `Profile.table`. */
export interface TableOptions {
  /** Sort rows by: 'cpuTime' (total, default), 'cudaTime', 'selfCpuTime', 'selfCudaTime' or 'calls'; descending. */
  sortBy?: TableSort;
  /** At most this many rows (default 100). */
  rowLimit?: number;
  /** One row per (name, operand shapes), with an "Input Shapes" column. */
  groupByInputShape?: boolean;
}
/** The keys `Profile.table` sorts by. */
export type TableSort = 'cpuTime' | 'cudaTime' | 'selfCpuTime' | 'selfCudaTime' | 'calls';

/** Options of `fl.profiler.profile`. */
export interface ProfileOptions {
  /** Also time GPU work with CUDA events (needs a GPU; default false: CPU times only). */
  cuda?: boolean;
}

const PROFILE_ARGS = signature('profiler.profile', ['fn'], {
  fn: required(func<() => unknown>()), cuda: optional(bool, false),
});
const TABLE_ARGS = signature('Profile.table', ['sortBy', 'rowLimit'], {
  sortBy: optional(oneOf<TableSort>('cpuTime', 'cudaTime', 'selfCpuTime', 'selfCudaTime', 'calls'), 'cpuTime'),
  rowLimit: optional(int({ min: 1 }), 100),
  groupByInputShape: optional(bool, false),
});
const KEY_AVERAGES_ARGS = signature('Profile.keyAverages', [], { groupByInputShape: optional(bool, false) });

/** A finished profile: the events, a torch.profiler-like table, and a Chrome trace. */
export class Profile {
  /** Every recorded event, in the order they started. */
  readonly events: readonly ProfilerEvent[];
  /** Wall time of the profiled function, µs. */
  readonly stepTime: number;
  /** Whether GPU work was timed (`cuda: true`). */
  readonly cuda: boolean;
  /** @internal */
  readonly _device: number;
  /** @internal */
  constructor(events: ProfilerEvent[], stepTime: number, cudaOn: boolean, device: number) {
    if (!Array.isArray(events) || typeof stepTime !== 'number' || typeof cudaOn !== 'boolean' || typeof device !== 'number'
      || !events.every((e) => e !== null && typeof e === 'object' && typeof e.name === 'string' && typeof e.cpuTime === 'number' && Array.isArray(e.shapes))) {
      throw new ValueError('Profile: the constructor is internal; fl.profiler.profile(fn) makes a Profile');
    }
    this.events = events;
    this.stepTime = stepTime;
    this.cuda = cudaOn;
    this._device = device;
  }

  /** Totals per op name (torch.profiler's `key_averages()`), in first-seen order. */
  keyAverages(options: { groupByInputShape?: boolean } = {}): KeyAverage[] {
    if (arguments.length > 1) tooManyArgs('Profile.keyAverages', 'options', arguments);
    const o = KEY_AVERAGES_ARGS.parse([options]);
    const ev = this.events;
    // children's totals, for self times
    const childCpu = new Float64Array(ev.length);
    const inner = new Float64Array(ev.length);  // GPU time of the ops inside each range
    for (let i = ev.length - 1; i >= 0; i--) {
      const e = ev[i];
      if (e.parent >= 0) { childCpu[e.parent] += e.cpuTime; inner[e.parent] += e.cudaTime + inner[i]; }
    }
    const rows = new Map<string, { name: string; shapes?: (readonly number[])[]; calls: number; cpuTotal: number; selfCpuTotal: number; cudaTotal: number; selfCudaTotal: number }>();
    ev.forEach((e, i) => {
      const key = o.groupByInputShape ? `${e.name}\u0000${JSON.stringify(e.shapes)}` : e.name;
      let r = rows.get(key);
      if (!r) {
        r = { name: e.name, calls: 0, cpuTotal: 0, selfCpuTotal: 0, cudaTotal: 0, selfCudaTotal: 0 };
        if (o.groupByInputShape) r.shapes = e.shapes.map((s) => s.slice());
        rows.set(key, r);
      }
      r.calls++;
      r.cpuTotal += e.cpuTime;
      r.selfCpuTotal += Math.max(0, e.cpuTime - childCpu[i]);
      r.cudaTotal += e.cudaTime + inner[i];
      r.selfCudaTotal += e.cudaTime;
    });
    return [...rows.values()];
  }

  /**
   * The per-op table, as torch.profiler's `key_averages().table()`: name, self and total CPU time,
   * self and total CUDA time (with `cuda: true`), calls; percentages are of the step's wall time (CPU)
   * and of all GPU time (CUDA). `console.log(prof.table({ sortBy: 'cudaTime', rowLimit: 10 }))`
   */
  table(options?: TableOptions): string;
  table(sortBy: TableSort, rowLimit?: number, options?: { groupByInputShape?: boolean }): string;
  table(...args: unknown[]): string {
    const o = TABLE_ARGS.parse(args);
    const rows = this.keyAverages({ groupByInputShape: o.groupByInputShape });
    const sortKey: Record<TableSort, (r: KeyAverage) => number> = {
      cpuTime: (r) => r.cpuTotal, cudaTime: (r) => r.cudaTotal, selfCpuTime: (r) => r.selfCpuTotal,
      selfCudaTime: (r) => r.selfCudaTotal, calls: (r) => r.calls,
    };
    const key = sortKey[o.sortBy];
    const sorted = rows.map((r, i) => ({ r, i })).sort((a, b) => key(b.r) - key(a.r) || a.i - b.i).map((x) => x.r).slice(0, o.rowLimit);
    const step = this.stepTime;
    const selfCpuAll = rows.reduce((s, r) => s + r.selfCpuTotal, 0);
    const cudaAll = rows.reduce((s, r) => s + r.selfCudaTotal, 0);
    const pct = (v: number, of: number) => `${(of > 0 ? (100 * v) / of : 0).toFixed(2)}%`;
    const head = ['Name', 'Self CPU %', 'Self CPU', 'CPU total %', 'CPU total', 'CPU time avg'];
    if (this.cuda) head.push('Self CUDA', 'Self CUDA %', 'CUDA total', 'CUDA time avg');
    head.push('# of Calls');
    if (o.groupByInputShape) head.push('Input Shapes');
    const body = sorted.map((r) => {
      const line = [r.name, pct(r.selfCpuTotal, step), fmtTime(r.selfCpuTotal), pct(r.cpuTotal, step), fmtTime(r.cpuTotal), fmtTime(r.cpuTotal / r.calls)];
      if (this.cuda) line.push(fmtTime(r.selfCudaTotal), pct(r.selfCudaTotal, cudaAll), fmtTime(r.cudaTotal), fmtTime(r.cudaTotal / r.calls));
      line.push(String(r.calls));
      if (o.groupByInputShape) line.push(fmtShapes(r.shapes ?? []));
      return line;
    });
    const widths = head.map((h, c) => Math.max(h.length, ...body.map((l) => l[c].length)) + (c === 0 ? 0 : 2));
    // the name column is as wide as its longest entry (capped, as PyTorch's), the others right-aligned
    widths[0] = Math.min(Math.max(widths[0], 4), 60);
    const cell = (s: string, c: number) => (c === 0 ? (s.length > widths[0] ? `${s.slice(0, widths[0] - 3)}...` : s.padStart(widths[0])) : s.padStart(widths[c]));
    const rule = widths.map((w) => '-'.repeat(w)).join('  ');
    const out = [rule, head.map(cell).join('  '), rule, ...body.map((l) => l.map(cell).join('  ')), rule];
    out.push(`Self CPU time total: ${fmtTime(selfCpuAll)}`);
    if (this.cuda) out.push(`Self CUDA time total: ${fmtTime(cudaAll)}`);
    out.push(`Step time (wall): ${fmtTime(step)}`);
    return `${out.join('\n')}\n`;
  }

  /** The Chrome trace event format object that `exportChromeTrace` writes. */
  chromeTrace(): { traceEvents: Record<string, unknown>[]; displayTimeUnit: 'ms' } {
    if (arguments.length > 0) tooManyArgs('Profile.chromeTrace', '', arguments);
    const pid = process.pid;
    const gpuPid = pid + 1 + this._device;  // a separate "process" for the GPU, as PyTorch's traces show it
    const out: Record<string, unknown>[] = [
      { name: 'process_name', ph: 'M', pid, tid: 0, args: { name: `CPU (node ${String(pid)})` } },
      { name: 'process_sort_index', ph: 'M', pid, tid: 0, args: { sort_index: 0 } },
      { name: 'thread_name', ph: 'M', pid, tid: 0, args: { name: 'main thread' } },
    ];
    const streams = [...new Set(this.events.filter((e) => e.cudaStart >= 0).map((e) => e.stream))].sort((a, b) => a - b);
    if (streams.length) {
      out.push({ name: 'process_name', ph: 'M', pid: gpuPid, tid: 0, args: { name: `GPU ${String(this._device)}` } });
      out.push({ name: 'process_sort_index', ph: 'M', pid: gpuPid, tid: 0, args: { sort_index: 1 } });
      for (const s of streams) {
        out.push({ name: 'thread_name', ph: 'M', pid: gpuPid, tid: s, args: { name: s === 0 ? 'stream 0 (default)' : `stream ${String(s)}` } });
        out.push({ name: 'thread_sort_index', ph: 'M', pid: gpuPid, tid: s, args: { sort_index: s } });
      }
    }
    // µs with 3 decimals; start and end are rounded (not the duration), so that nesting survives rounding
    const r3 = (v: number) => Math.round(v * 1000) / 1000;
    const lastEnd = new Map<number, number>();
    let flow = 0;
    this.events.forEach((e, i) => {
      const ts = r3(e.cpuStart), end = r3(e.cpuStart + e.cpuTime);
      const cat = e.kind === 'range' ? 'user_annotation' : e.kind === 'copy' ? 'cpu_memcpy' : 'cpu_op';
      const args: Record<string, unknown> = { 'External id': i };
      if (e.kind === 'op' || e.kind === 'copy') args['Input Dims'] = e.shapes;
      if (e.bytes) args.bytes = e.bytes;
      out.push({ name: e.name, cat, ph: 'X', ts, dur: r3(end - ts), pid, tid: 0, args });
      if (e.cudaStart < 0) return;
      // the stream's events run one after another: a start before the previous end (the events'
      // float32 milliseconds) is moved to that end, so the track stays well nested
      let gs = r3(e.cudaStart);
      const ge = Math.max(gs, r3(e.cudaStart + e.cudaTime));
      gs = Math.min(ge, Math.max(gs, lastEnd.get(e.stream) ?? -Infinity));
      lastEnd.set(e.stream, ge);
      out.push({ name: e.name, cat: e.kind === 'copy' ? 'gpu_memcpy' : 'kernel', ph: 'X', ts: gs, dur: r3(ge - gs), pid: gpuPid, tid: e.stream, args: { 'External id': i, stream: e.stream, device: this._device } });
      // the arrow from the launching op to its GPU work (PyTorch's 'ac2g' flow)
      flow++;
      out.push({ name: 'ac2g', cat: 'ac2g', ph: 's', id: flow, ts, pid, tid: 0 });
      out.push({ name: 'ac2g', cat: 'ac2g', ph: 'f', bp: 'e', id: flow, ts: gs, pid: gpuPid, tid: e.stream });
    });
    return { traceEvents: out, displayTimeUnit: 'ms' };
  }

  /**
   * Writes the profile as a Chrome trace (JSON) that https://ui.perfetto.dev and chrome://tracing
   * open: CPU ops and ranges on one track, each GPU stream on its own, copies included.
   */
  exportChromeTrace(path: string): void {
    if (arguments.length > 1) tooManyArgs('Profile.exportChromeTrace', 'path', arguments);
    str(path, 'Profile.exportChromeTrace: path');
    fs.writeFileSync(path, JSON.stringify(this.chromeTrace()));
  }
}

function fmtTime(us: number): string {
  if (us >= 1e6) return `${(us / 1e6).toFixed(3)}s`;
  if (us >= 1e3) return `${(us / 1e3).toFixed(3)}ms`;
  return `${us.toFixed(3)}us`;
}

function fmtShapes(s: readonly (readonly number[])[]): string {
  return `[${s.map((d) => `[${d.join(', ')}]`).join(', ')}]`;
}

// ---- recording ------------------------------------------------------------------------------------

/** One record while the profile runs: times in ms of performance.now(); GPU events by id. */
interface Rec {
  name: string;
  kind: ProfilerEventKind;
  shapes: number[][];
  start: number;
  end: number;
  parent: number;
  stream: number;
  ev0: number;
  ev1: number;
  bytes: number;
}

interface Session {
  recs: Rec[];
  /** indexes of the open ranges, innermost last */
  open: number[];
  cuda: boolean;
  device: number;
  /** the base event and the CPU time it was recorded at */
  base: number;
  baseAt: number;
  t0: number;
  events: number[];
}

let session: Session | null = null;

/** Timing events, reused across profiles (per GPU: an event belongs to its device's context). */
const eventPool = new Map<number, number[]>();

function takeEvent(s: Session): number {
  const pool = eventPool.get(s.device);
  const id = pool && pool.length ? pool.pop()! : guard(() => binding.gpuEventCreate(true));
  s.events.push(id);
  return id;
}

/** Events kept for the next profile (per GPU); a larger profile's extra events are destroyed. */
const POOL_KEEP = 8192;

function giveBack(s: Session): void {
  let pool = eventPool.get(s.device);
  if (!pool) { pool = []; eventPool.set(s.device, pool); }
  for (const id of s.events) {
    if (pool.length < POOL_KEEP) pool.push(id);
    else guard(() => binding.gpuEventDestroy(id));
  }
  s.events = [];
}

/** Whether a CUDA graph capture (fl.cuda.graph, lib/graphs.ts) is in progress: no event may be recorded then. */
function capturing(): boolean {
  return captureState.active;
}

/** The stream a GPU op runs on, or -1 when its GPU time cannot be taken (another device, a capture). */
function gpuStream(s: Session): number {
  if (binding.gpuCurrentDevice() !== s.device || capturing()) return -1;
  return binding.gpuCurrentStream();
}

function onGpu(operands: readonly (OperandView | ScalarOperand)[]): boolean {
  for (const o of operands) {
    const st = (o as OperandView)._storage;
    if (st !== undefined && st.device.type === 1) return true;
  }
  return false;
}

function begin(s: Session, name: string, kind: ProfilerEventKind, shapes: number[][], bytes: number): Rec {
  const parent = s.open.length ? s.open[s.open.length - 1] : -1;
  const r: Rec = { name, kind, shapes, start: 0, end: 0, parent, stream: -1, ev0: -1, ev1: -1, bytes };
  s.recs.push(r);
  return r;
}

/** Runs `fn` between the record's CPU times and (for GPU work) its two events. */
function timed<T>(s: Session, r: Rec, gpu: boolean, fn: () => T): T {
  if (gpu && s.cuda) {
    const stream = gpuStream(s);
    if (stream >= 0) {
      r.stream = stream;
      r.ev0 = takeEvent(s);
      r.ev1 = takeEvent(s);
      r.start = performance.now();
      guard(() => binding.gpuEventRecord(r.ev0, stream));
      try { return fn(); } finally {
        guard(() => binding.gpuEventRecord(r.ev1, stream));
        r.end = performance.now();
      }
    }
  }
  r.start = performance.now();
  try { return fn(); } finally { r.end = performance.now(); }
}

const HOOK: CallHook = {
  op(id, opName, operands, params) {
    const s = session!;
    const shapes = operands.map((o) => ((o as OperandView)._shape ? (o as OperandView)._shape.slice() : []));
    const r = begin(s, opName, 'op', shapes, 0);
    timed(s, r, onGpu(operands), () => callNative(id, opName, operands, params));
  },
  transfer(kind: TransferKind, bytes, fn) {
    const s = session!;
    const r = begin(s, `Memcpy ${kind}`, 'copy', [], bytes);
    return timed(s, r, true, fn);
  },
};

/** Whether a profile is recording now (lib's own hooks test it: modules, autograd). */
export function isProfiling(): boolean {
  if (arguments.length > 0) tooManyArgs('profiler.isProfiling', '', arguments);
  return session !== null;
}

function openRange(s: Session, name: string, kind: ProfilerEventKind): number {
  const r = begin(s, name, kind, [], 0);
  s.open.push(s.recs.length - 1);
  r.start = performance.now();
  return s.recs.length - 1;
}

function closeRange(s: Session, i: number): void {
  s.recs[i].end = performance.now();
  const k = s.open.lastIndexOf(i);
  if (k >= 0) s.open.splice(k, 1);
}

/** @internal Runs `fn` as a range of `kind` when profiling (autograd's backward nodes, module calls). */
export function _range<T>(name: string, kind: ProfilerEventKind, fn: () => T): T {
  const s = session;
  if (s === null) return fn();
  const i = openRange(s, name, kind);
  let result: T;
  try { result = fn(); } catch (e) { if (session === s) closeRange(s, i); throw e; }
  if (result instanceof Promise) {
    return result.finally(() => { if (session === s) closeRange(s, i); }) as unknown as T;
  }
  closeRange(s, i);
  return result;
}

/**
 * Runs `fn` as a named range of the profile (torch.profiler's `record_function`): it nests around the
 * ops `fn` runs, in the table and the trace. When no profile runs it just calls `fn`.
 * An async `fn` closes its range when its promise settles.
 * ```ts
 * fl.profiler.recordFunction('forward', () => model.forward(x));
 * ```
 */
export function recordFunction<T>(name: string, fn: () => T): T {
  if (arguments.length > 2) tooManyArgs('profiler.recordFunction', 'name, fn', arguments);
  str(name, 'profiler.recordFunction: name');
  func<() => T>()(fn, 'profiler.recordFunction: fn');
  return _range(name, 'range', fn);
}

/**
 * Profiles `fn` (torch.profiler.profile): every op it runs, with its operand shapes, CPU time and,
 * with `{ cuda: true }`, GPU time from events on its stream. Returns the `Profile`, or a promise of
 * it when `fn` is async. Profiling is off again when it returns or throws.
 * ```ts
 * const prof = fl.profiler.profile(() => { loss = lossFn(model.forward(x), y); loss.backward(); }, { cuda: true });
 * console.log(prof.table({ sortBy: 'cudaTime', rowLimit: 10 }));
 * ```
 */
export function profile(fn: () => Promise<unknown>, options?: ProfileOptions): Promise<Profile>;
export function profile(fn: () => unknown, options?: ProfileOptions): Profile;
export function profile(...args: unknown[]): Profile | Promise<Profile> {
  const o = PROFILE_ARGS.parse(args);
  if (session !== null) throw new ValueError('profiler.profile: a profile is already recording (profiles do not nest; use recordFunction for ranges)');
  let device = -1;
  if (o.cuda) {
    const g = gpuInfo();
    if (!g.available) throw new BackendUnavailableError(`profiler.profile: cuda: true needs a usable GPU: ${g.reason}`);
    if (capturing()) throw new ValueError('profiler.profile: cannot start with cuda: true while the current stream captures a CUDA graph');
    device = guard(() => binding.gpuCurrentDevice());
  }
  const s: Session = { recs: [], open: [], cuda: o.cuda, device, base: -1, baseAt: 0, t0: 0, events: [] };
  if (o.cuda) {
    // The base event, recorded on the idle device, completes somewhere between its record and the
    // end of the wait for it; its GPU time is mapped to the end of the wait, so that the GPU times
    // mapped from it are never earlier than they were (an op's GPU work never shows before its
    // launch), and late by at most that wait (microseconds on a GPU).
    guard(() => binding.gpuSynchronize(device));
    s.base = takeEvent(s);
    guard(() => binding.gpuEventRecord(s.base, 0));
    guard(() => binding.gpuEventSynchronize(s.base));
    s.baseAt = performance.now();
  }
  s.t0 = o.cuda ? s.baseAt : performance.now();
  session = s;
  setCallHook(HOOK);
  const stop = () => { setCallHook(null); session = null; };
  let result: unknown;
  try {
    result = o.fn();
  } catch (e) {
    stop();
    giveBack(s);
    throw e;
  }
  if (result instanceof Promise) {
    return result.then(() => finish(s, stop), (e: unknown) => { stop(); giveBack(s); throw e; });
  }
  return finish(s, stop);
}

function finish(s: Session, stop: () => void): Profile {
  const t1 = performance.now();
  stop();
  try {
    const gpuAt = new Map<number, number>();
    if (s.cuda && s.events.length > 1) {
      guard(() => binding.gpuSynchronize(s.device));  // the one wait of the profile
      const at = (ev: number) => {
        let v = gpuAt.get(ev);
        if (v === undefined) { v = s.baseAt + guard(() => binding.gpuEventElapsed(s.base, ev)); gpuAt.set(ev, v); }
        return v;
      };
      for (const r of s.recs) if (r.ev0 >= 0) { at(r.ev0); at(r.ev1); }
    }
    const us = (ms: number) => (ms - s.t0) * 1000;
    const events: ProfilerEvent[] = s.recs.map((r) => {
      const end = r.end || t1;  // a range still open when the profile ended (an async one left running) ends with it
      const g0 = r.ev0 >= 0 ? gpuAt.get(r.ev0) : undefined, g1 = r.ev1 >= 0 ? gpuAt.get(r.ev1) : undefined;
      const timedOnGpu = g0 !== undefined && g1 !== undefined;
      return {
        name: r.name, kind: r.kind, shapes: r.shapes, cpuStart: us(r.start), cpuTime: (end - r.start) * 1000, parent: r.parent,
        stream: timedOnGpu ? r.stream : -1,
        cudaStart: timedOnGpu ? us(g0) : -1,
        cudaTime: timedOnGpu ? Math.max(0, (g1 - g0) * 1000) : 0,
        bytes: r.bytes,
      };
    });
    return new Profile(events, (t1 - s.t0) * 1000, s.cuda, s.cuda ? s.device : 0);
  } finally {
    giveBack(s);
  }
}
