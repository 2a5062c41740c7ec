// profiler.test.ts — fl.profiler: the op names and call counts a known model records, ranges that
// nest (modules, recordFunction, backward nodes), a Chrome trace that is valid JSON in the trace event
// format with well-nested events, profiling off again after a throwing fn, argument checks, and with
// `cuda: true` on a GPU (the emulator in CI): GPU times from events, one track per stream, copies.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fl from '../lib';
import { DEVICE } from './helpers';

const { nn } = fl;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-profiler-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

type Prof = fl.profiler.Profile;
const calls = (p: Prof, name: string): number => p.keyAverages().find((r) => r.name === name)?.calls ?? 0;
const named = (p: Prof, name: string) => p.events.filter((e) => e.name === name);

/** A 4-8-2 MLP with a squared-error loss: its forward, loss and backward, in a scope. */
function mlp() {
  fl.manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 2)).to(DEVICE);
  const x = fl.randn([3, 4], { device: DEVICE }), y = fl.randn([3, 2], { device: DEVICE });
  const step = () => fl.scope(() => {
    const out = model.call(x);
    const loss = fl.profiler.recordFunction('loss', () => out.sub(y).pow(2).mean());
    loss.backward();
  });
  const params = [...model.parameters()];
  const dispose = () => { for (const p of params) { p.grad?.dispose(); p.dispose(); } x.dispose(); y.dispose(); };
  return { step, dispose, params };
}

/** Checks the Chrome trace event format: the fields each phase needs, and proper nesting per track. */
function checkTrace(trace: { traceEvents: Record<string, unknown>[] }): Record<string, unknown>[] {
  expect(Array.isArray(trace.traceEvents)).toBe(true);
  const xs: Record<string, unknown>[] = [];
  for (const e of trace.traceEvents) {
    expect(typeof e.name).toBe('string');
    expect(typeof e.ph).toBe('string');
    expect(Number.isInteger(e.pid)).toBe(true);
    expect(Number.isInteger(e.tid)).toBe(true);
    if (e.ph === 'X') {
      expect(typeof e.ts).toBe('number');
      expect(typeof e.dur).toBe('number');
      expect(e.dur as number).toBeGreaterThanOrEqual(0);
      xs.push(e);
    } else if (e.ph === 'M') {
      expect(['process_name', 'process_sort_index', 'thread_name', 'thread_sort_index']).toContain(e.name);
      expect(typeof e.args).toBe('object');
    } else {
      expect(['s', 'f']).toContain(e.ph);
      expect(typeof e.ts).toBe('number');
      expect(e.id).toBeDefined();
    }
  }
  // on each track, complete events are either nested or disjoint (what Perfetto requires)
  const tracks = new Map<string, Record<string, unknown>[]>();
  for (const e of xs) {
    const k = `${String(e.pid)}/${String(e.tid)}`;
    if (!tracks.has(k)) tracks.set(k, []);
    tracks.get(k)!.push(e);
  }
  for (const evs of tracks.values()) {
    const sorted = evs.slice().sort((a, b) => (a.ts as number) - (b.ts as number) || (b.dur as number) - (a.dur as number));
    const stack: number[] = [];
    for (const e of sorted) {
      const ts = e.ts as number, end = ts + (e.dur as number);
      while (stack.length && stack[stack.length - 1] <= ts) stack.pop();
      if (stack.length) expect(end).toBeLessThanOrEqual(stack[stack.length - 1] + 1e-6);
      stack.push(end);
    }
  }
  return xs;
}

describe('profile on the device under test', () => {
  test('a known model: op names, call counts, and ranges around them', () => {
    const m = mlp();
    try {
      m.step();  // warm-up outside the profile
      const prof = fl.profiler.profile(m.step);
      // forward: two Linear (matmul + bias add each), one relu; loss: sub, pow, mean
      expect(calls(prof, 'nn.Module: Sequential')).toBe(1);
      expect(calls(prof, 'nn.Module: Linear')).toBe(2);
      expect(calls(prof, 'nn.Module: ReLU')).toBe(1);
      expect(calls(prof, 'relu')).toBe(1);
      expect(calls(prof, 'loss')).toBe(1);
      expect(calls(prof, 'sub')).toBe(1);
      expect(calls(prof, 'mean')).toBe(1);
      // backward: one node per recorded op that needs grad
      expect(calls(prof, 'MatmulBackward')).toBe(2);
      expect(calls(prof, 'AddBackward')).toBe(2);
      expect(calls(prof, 'ReluBackward')).toBe(1);
      expect(calls(prof, 'SubBackward')).toBe(1);
      expect(calls(prof, 'PowBackward')).toBe(1);
      expect(calls(prof, 'MeanBackward')).toBe(1);
      // matmul: 2 in forward; in backward the first layer's input needs no grad: 1 + 2 (as aten::mm's 5 in PyTorch)
      expect(calls(prof, 'matmul')).toBe(5);
      const byIndex = prof.events;
      const parentName = (i: number) => (byIndex[i].parent >= 0 ? byIndex[byIndex[i].parent].name : null);
      const mm = named(prof, 'matmul').map((e) => (e.parent >= 0 ? byIndex[e.parent].name : null));
      expect(mm.filter((n) => n === 'nn.Module: Linear').length).toBe(2);
      expect(mm.filter((n) => n === 'MatmulBackward').length).toBe(3);
      byIndex.forEach((e, i) => {
        if (e.name === 'nn.Module: Linear' || e.name === 'nn.Module: ReLU') expect(parentName(i)).toBe('nn.Module: Sequential');
        if (e.name === 'relu') expect(parentName(i)).toBe('nn.Module: ReLU');
        if (e.name === 'sub' || e.name === 'mean') expect(parentName(i)).toBe('loss');
        if (e.name === 'MatmulBackward') expect(parentName(i)).toBeNull();
        // a child lies within its parent's CPU interval
        if (e.parent >= 0) {
          const p = byIndex[e.parent];
          expect(e.cpuStart).toBeGreaterThanOrEqual(p.cpuStart);
          expect(e.cpuStart + e.cpuTime).toBeLessThanOrEqual(p.cpuStart + p.cpuTime + 1e-6);
        }
        expect(e.cpuTime).toBeGreaterThanOrEqual(0);
      });
      // operand shapes: outputs first, as the op passes them
      expect(named(prof, 'relu')[0].shapes).toEqual([[3, 8], [3, 8]]);
      expect(prof.cuda).toBe(false);
      expect(prof.events.every((e) => e.cudaTime === 0 && e.cudaStart === -1)).toBe(true);
      // self times add up to no more than the step's wall time
      const selfAll = prof.keyAverages().reduce((s, r) => s + r.selfCpuTotal, 0);
      expect(selfAll).toBeLessThanOrEqual(prof.stepTime + 1e-6);
    } finally { m.dispose(); }
  });

  test('an optimizer\'s step and zeroGrad are ranges around their ops', () => {
    const m = mlp();
    const opt = new fl.optim.SGD(m.params, { lr: 0.1, momentum: 0.9 });
    try {
      m.step();
      const prof = fl.profiler.profile(() => { opt.step(); opt.zeroGrad(); });
      expect(calls(prof, 'Optimizer.step#SGD.step')).toBe(1);
      expect(calls(prof, 'Optimizer.zeroGrad#SGD.zeroGrad')).toBe(1);
      const step = prof.events.findIndex((e) => e.name === 'Optimizer.step#SGD.step');
      const inside = prof.events.filter((e) => e.parent === step);
      expect(inside.length).toBeGreaterThan(0);
      expect(inside.every((e) => e.kind === 'op')).toBe(true);
      expect(prof.events.filter((e) => e.kind === 'op' && e.parent !== step).map((e) => e.name)).toEqual([]);  // zeroGrad frees, runs no op
      for (const p of m.params) expect(p.grad).toBeNull();
    } finally { opt.dispose(); m.dispose(); }
  });

  test('table: PyTorch\'s columns, sorted, limited, grouped by input shape', () => {
    const a = fl.ones([2, 3], { device: DEVICE }), b = fl.ones([3, 3], { device: DEVICE });
    try {
      const prof = fl.profiler.profile(() => fl.scope(() => {
        for (let i = 0; i < 3; i++) a.add(a);
        a.add(1);
        a.matmul(b); a.matmul(b);
        a.relu();
      }));
      expect(calls(prof, 'add')).toBe(4);
      expect(calls(prof, 'matmul')).toBe(2);
      expect(calls(prof, 'relu')).toBe(1);
      const t = prof.table({ sortBy: 'calls' });
      const lines = t.split('\n');
      expect(lines[1]).toMatch(/^\s*Name\s+Self CPU %\s+Self CPU\s+CPU total %\s+CPU total\s+CPU time avg\s+# of Calls$/);
      const rows = lines.slice(3).filter((l) => /^\s*\w+\s+\d/.test(l)).map((l) => l.trim().split(/\s+/));
      expect(rows.map((r) => [r[0], r[r.length - 1]])).toEqual([['add', '4'], ['matmul', '2'], ['relu', '1']]);
      expect(t).toMatch(/Self CPU time total: [\d.]+(us|ms|s)\n/);
      expect(t).toMatch(/Step time \(wall\): [\d.]+(us|ms|s)\n$/);
      const limited = prof.table({ sortBy: 'calls', rowLimit: 1 });
      expect(limited).toMatch(/\badd\b/);
      expect(limited).not.toMatch(/\bmatmul\b/);
      // by input shape: add of two tensors and add of a tensor and a scalar are two rows
      const g = prof.table({ sortBy: 'calls', groupByInputShape: true });
      expect(g).toMatch(/Input Shapes/);
      expect(g).toMatch(/add\s.*\s3\s+\[\[2, 3\], \[2, 3\], \[2, 3\]\]/);
      expect(g).toMatch(/add\s.*\s1\s+\[\[2, 3\], \[2, 3\], \[\]\]/);
      const groups = prof.keyAverages({ groupByInputShape: true }).filter((r) => r.name === 'add');
      expect(groups.map((r) => r.calls).sort()).toEqual([1, 3]);
      // sortBy cpuTime puts the largest total first
      const cpu = prof.keyAverages().map((r) => r.cpuTotal).sort((x, y) => y - x);
      const first = prof.table({ sortBy: 'cpuTime' }).split('\n')[3].trim().split(/\s+/)[0];
      expect(prof.keyAverages().find((r) => r.name === first)!.cpuTotal).toBe(cpu[0]);
    } finally { a.dispose(); b.dispose(); }
  });

  test('the Chrome trace: valid JSON, required fields, nested events', () => {
    const m = mlp();
    try {
      const prof = fl.profiler.profile(m.step);
      const file = path.join(tmp, 'trace.json');
      prof.exportChromeTrace(file);
      const trace = JSON.parse(fs.readFileSync(file, 'utf8'));
      const xs = checkTrace(trace);
      // every event of the profile is there, on the CPU track, with its parent around it
      const cpu = xs.filter((e) => e.pid === process.pid);
      expect(cpu.length).toBe(prof.events.length);
      const byId = new Map(cpu.map((e) => [(e.args as { 'External id': number })['External id'], e]));
      prof.events.forEach((ev, i) => {
        if (ev.parent < 0) return;
        const c = byId.get(i)!, p = byId.get(ev.parent)!;
        expect(c.ts as number).toBeGreaterThanOrEqual(p.ts as number);
        expect((c.ts as number) + (c.dur as number)).toBeLessThanOrEqual((p.ts as number) + (p.dur as number) + 1e-6);
      });
      const names = trace.traceEvents.filter((e: Record<string, unknown>) => e.ph === 'M' && e.name === 'thread_name').map((e: { args: { name: string } }) => e.args.name);
      expect(names).toContain('main thread');
    } finally { m.dispose(); }
  });

  test('async fn: resolves with the profile; ops after an await are recorded', async () => {
    const a = fl.ones([4], { device: DEVICE });
    try {
      const p = fl.profiler.profile(async () => {
        await new Promise((r) => setTimeout(r, 1));
        a.mul(2).dispose();
        await fl.profiler.recordFunction('later', async () => {
          await new Promise((r) => setTimeout(r, 1));
          a.neg().dispose();
        });
      });
      expect(p).toBeInstanceOf(Promise);
      expect(fl.profiler.isProfiling()).toBe(true);
      const prof = await p;
      expect(fl.profiler.isProfiling()).toBe(false);
      expect(calls(prof, 'mul')).toBe(1);
      const neg = named(prof, 'neg')[0];
      expect(prof.events[neg.parent].name).toBe('later');
      expect(prof.events[neg.parent].cpuTime).toBeGreaterThanOrEqual(neg.cpuTime);
    } finally { a.dispose(); }
  });

  test('a throwing fn leaves profiling off (sync and async), and the next profile works', async () => {
    const a = fl.ones([2], { device: DEVICE });
    try {
      expect(() => fl.profiler.profile(() => { a.add(a).dispose(); throw new Error('boom'); })).toThrow('boom');
      expect(fl.profiler.isProfiling()).toBe(false);
      await expect(fl.profiler.profile(async () => { await Promise.resolve(); throw new Error('later boom'); })).rejects.toThrow('later boom');
      expect(fl.profiler.isProfiling()).toBe(false);
      // an op's own error inside the profile
      expect(() => fl.profiler.profile(() => fl.scope(() => a.matmul(fl.ones([3, 3], { device: DEVICE }))))).toThrow(fl.ShapeError);
      expect(fl.profiler.isProfiling()).toBe(false);
      // recording stopped: ops after the profile are not in it
      const prof = fl.profiler.profile(() => a.add(a).dispose());
      a.add(a).dispose();
      expect(calls(prof, 'add')).toBe(1);
    } finally { a.dispose(); }
  });

  test('recordFunction outside a profile just runs fn; profiles do not nest', () => {
    expect(fl.profiler.recordFunction('r', () => 42)).toBe(42);
    expect(fl.profiler.isProfiling()).toBe(false);
    expect(() => fl.profiler.profile(() => fl.profiler.profile(() => 1))).toThrow(/a profile is already recording/);
    expect(fl.profiler.isProfiling()).toBe(false);
  });

  test('arguments: types checked, extras and unknown options refused', () => {
    expect(() => (fl.profiler.profile as any)(() => 1, {}, 7)).toThrow(/^profiler\.profile: takes 1 positional argument/);
    expect(() => (fl.profiler.profile as any)(() => 1, { cudaa: true })).toThrow("profiler.profile: unknown option 'cudaa' (did you mean 'cuda'?)");
    expect(() => (fl.profiler.profile as any)(5)).toThrow(fl.ValueError);
    expect(() => (fl.profiler.recordFunction as any)('r', () => 1, 7)).toThrow(/^profiler\.recordFunction: /);
    expect(() => (fl.profiler.recordFunction as any)(3, () => 1)).toThrow(fl.ValueError);
    const prof = fl.profiler.profile(() => 1);
    expect(() => (prof.table as any)({ sortBy: 'gpuTime' })).toThrow(/^Profile\.table: sortBy/);
    expect(() => (prof.table as any)({ rowLimt: 3 })).toThrow("Profile.table: unknown option 'rowLimt' (did you mean 'rowLimit'?)");
    expect(() => (prof.table as any)({}, 7)).toThrow(/^Profile\.table: /);
    expect(() => (prof.exportChromeTrace as any)(path.join(tmp, 'x.json'), 7)).toThrow(/^Profile\.exportChromeTrace: /);
    expect(prof.events).toEqual([]);
    expect(prof.table()).toMatch(/Step time/);
  });
});

const gpu = fl.cuda.isAvailable();

// Where a GPU is usable (the emulator in CI, a GPU host) the GPU tests run, elsewhere the refusal test.
describe('cuda: true', () => {
  if (!gpu) test('without a usable GPU: BackendUnavailableError, profiling stays off', () => {
    expect(() => fl.profiler.profile(() => 1, { cuda: true })).toThrow(fl.BackendUnavailableError);
    expect(() => fl.profiler.profile(() => 1, { cuda: true })).toThrow(/^profiler\.profile: cuda: true needs a usable GPU/);
    expect(fl.profiler.isProfiling()).toBe(false);
  });

  if (gpu) test('GPU times from events, streams as tracks, copies shown', () => {
    const side = new fl.cuda.Stream();
    const host = fl.randn([64, 64]);
    const idx = fl.tensor([0, 2], { dtype: 'int32', device: 'cuda' });
    try {
      const prof = fl.profiler.profile(() => fl.scope(() => {
        const a = host.to('cuda');                      // Memcpy HtoD on the default stream
        const b = fl.cuda.withStream(side, () => {
          side.waitStream(fl.cuda.defaultStream());
          return a.matmul(a).relu();                    // on the side stream
        });
        fl.cuda.defaultStream().waitStream(side);
        const c = b.matmul(a);                          // default stream
        c.indexSelect(0, idx);                          // operands passed as views, not tensors
        c.sum().item();                                 // Memcpy DtoH
      }), { cuda: true });
      expect(prof.cuda).toBe(true);
      const mm = named(prof, 'matmul');
      expect(mm.length).toBe(2);
      for (const e of mm) {
        expect(e.cudaTime).toBeGreaterThan(0);
        expect(e.cudaStart).toBeGreaterThanOrEqual(0);
      }
      expect(mm.map((e) => e.stream)).toEqual([side.id, 0]);
      expect(named(prof, 'relu')[0].stream).toBe(side.id);
      expect([named(prof, 'indexSelect')[0].stream, named(prof, 'indexSelect')[0].cudaStart >= 0]).toEqual([0, true]);
      const h2d = named(prof, 'Memcpy HtoD'), d2h = named(prof, 'Memcpy DtoH');
      expect(h2d.length).toBe(1);
      expect(h2d[0].bytes).toBe(64 * 64 * 4);
      expect(h2d[0].cudaStart).toBeGreaterThanOrEqual(0);
      expect(d2h.length).toBe(1);
      expect(d2h[0].bytes).toBe(4);
      // the GPU work of an op starts after the CPU began it, on the same clock (the base event's GPU
      // time is mapped to the end of the wait for it: GPU times are never mapped early; 1 µs for the
      // events' float32 milliseconds)
      for (const e of prof.events) if (e.stream >= 0) expect(e.cudaStart).toBeGreaterThanOrEqual(e.cpuStart - 1);
      const row = prof.keyAverages().find((r) => r.name === 'matmul')!;
      expect(row.cudaTotal).toBeCloseTo(mm[0].cudaTime + mm[1].cudaTime, 6);
      const t = prof.table({ sortBy: 'cudaTime' });
      expect(t.split('\n')[1]).toMatch(/Self CUDA\s+Self CUDA %\s+CUDA total\s+CUDA time avg\s+# of Calls$/);
      expect(t).toMatch(/Self CUDA time total: [\d.]+(us|ms|s)\n/);
      // the trace: one track per stream in the GPU's process, kernels and copies on them
      const trace = prof.chromeTrace();
      const xs = checkTrace(trace);
      const threads = trace.traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.pid !== process.pid);
      expect(threads.map((e) => e.tid).sort((x, y) => (x as number) - (y as number))).toEqual([0, side.id]);
      const gpuX = xs.filter((e) => e.pid !== process.pid);
      expect(gpuX.filter((e) => e.name === 'matmul').map((e) => e.tid)).toEqual([side.id, 0]);
      expect(gpuX.filter((e) => e.cat === 'gpu_memcpy').map((e) => e.name).sort()).toEqual(['Memcpy DtoH', 'Memcpy HtoD']);
      // each GPU event has a flow arrow from its CPU op
      expect(trace.traceEvents.filter((e) => e.ph === 'f').length).toBe(gpuX.length);
    } finally { host.dispose(); idx.dispose(); side.destroy(); }
  });

  if (gpu && DEVICE === 'cuda') test('a known model with cuda: true: the same ops and calls, GPU time for each op', () => {
    const m = mlp();
    try {
      m.step();
      const prof = fl.profiler.profile(m.step, { cuda: true });
      const want: Record<string, number> = { 'nn.Module: Linear': 2, relu: 1, matmul: 5, MatmulBackward: 2, ReluBackward: 1, loss: 1 };
      for (const [name, n] of Object.entries(want)) expect([name, calls(prof, name)]).toEqual([name, n]);
      // on a GPU every op is timed there; ranges are not
      const ops = prof.events.filter((e) => e.kind === 'op');
      const onGpu = ops.filter((e) => e.stream >= 0 && e.cudaStart >= 0);
      expect(onGpu.length).toBe(ops.length);
      for (const e of prof.events) if (e.kind === 'range' || e.kind === 'backward') expect(e.cudaStart).toBe(-1);
      const mmRow = prof.keyAverages().find((r) => r.name === 'matmul')!;
      expect(mmRow.cudaTotal).toBeGreaterThan(0);
      for (const e of named(prof, 'matmul')) expect(e.cudaTime).toBeGreaterThan(0);
      // a range's CUDA total is the GPU time of the ops inside it
      const lin = prof.keyAverages().find((r) => r.name === 'nn.Module: Linear')!;
      const inLinear = prof.events.filter((e) => e.parent >= 0 && prof.events[e.parent].name === 'nn.Module: Linear').reduce((t, e) => t + e.cudaTime, 0);
      expect(lin.cudaTotal).toBeCloseTo(inLinear, 6);
      expect(lin.selfCudaTotal).toBe(0);
      checkTrace(prof.chromeTrace());
    } finally { m.dispose(); }
  });

  if (gpu && DEVICE === 'cuda') test('a CUDA graph captured while profiling: its ops have CPU times only (no event may be recorded in a capture), and the graph replays right', () => {
    const g = new fl.cuda.CUDAGraph();
    const x = fl.ones([16], { device: 'cuda' });
    let y: fl.Tensor | undefined;
    try {
      const prof = fl.profiler.profile(() => {
        x.neg().dispose();                                                  // eager: timed on the GPU
        y = fl.cuda.graph(g, () => fl.scope(() => x.mul(3).add(1)));      // captured: not timed on the GPU
        x.fill_(2);
        g.replay();
      }, { cuda: true });
      expect(fl.cuda.isCurrentStreamCapturing()).toBe(false);
      const neg = named(prof, 'neg')[0], mul = named(prof, 'mul')[0], add = named(prof, 'add')[0];
      expect(neg.stream).toBeGreaterThanOrEqual(0);
      expect(neg.cudaStart).toBeGreaterThanOrEqual(0);
      for (const e of [mul, add]) expect([e.name, e.stream, e.cudaStart, e.cudaTime]).toEqual([e.name, -1, -1, 0]);
      expect(Array.from(y!.dataSync())).toEqual(new Array(16).fill(7));   // the replay read x = 2
      checkTrace(prof.chromeTrace());
    } finally { y?.dispose(); g.reset(); x.dispose(); }
  });

  if (gpu && DEVICE === 'cuda') test('profile with cuda: true cannot start inside a capture: refused, the capture abandoned, the GPU usable', () => {
    const g = new fl.cuda.CUDAGraph();
    try {
      expect(() => fl.cuda.graph(g, () => fl.profiler.profile(() => 1, { cuda: true })))
        .toThrow(/^profiler\.profile: cannot start with cuda: true while the current stream captures a CUDA graph$/);
      expect(fl.profiler.isProfiling()).toBe(false);
      expect(fl.cuda.isCurrentStreamCapturing()).toBe(false);
      expect(fl.scope(() => fl.ones([2], { device: 'cuda' }).add(1).sum().item())).toBe(4);
    } finally { g.reset(); }
  });

  if (gpu) test('a throwing fn with cuda: true leaves profiling off and the GPU usable', () => {
    const a = fl.ones([4], { device: 'cuda' });
    try {
      expect(() => fl.profiler.profile(() => { a.add(a).dispose(); throw new Error('boom'); }, { cuda: true })).toThrow('boom');
      expect(fl.profiler.isProfiling()).toBe(false);
      const prof = fl.profiler.profile(() => fl.scope(() => a.add(a).sum().item()), { cuda: true });
      expect(named(prof, 'add')[0].cudaTime).toBeGreaterThanOrEqual(0);
      expect(named(prof, 'add')[0].cudaStart).toBeGreaterThanOrEqual(0);
    } finally { a.dispose(); }
  });
});
