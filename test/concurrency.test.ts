// concurrency.test.ts — the native addon used from several threads at once, and `await t.data()`
// racing with `dispose()` of the same tensor (issue 16, "The native boundary").
//
// Worker threads load the built package (dist/, like test/examples.test.ts) and each runs ops and
// GEMMs on its own tensors while the others do; every binding call runs under the addon's one lock
// and reads its own thread's call descriptors (native/addon/storage_table.h). Before that lock the
// threads shared one descriptor buffer: an op read another thread's shapes (a wrong result, a
// "reduce: expected (out, in)" error, or a read past a storage). The reference for each thread's
// results is the same computation on the main thread, alone, before the workers start.
import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import * as fl from '../lib';
import { DEVICE } from './helpers';

const ROOT = path.resolve(__dirname, '..');
const LIMIT = 120_000;  // a hang guard for a loaded 2-core machine; nothing is timed

/**
 * The work each thread does: `rounds` steps of elementwise ops, reductions and GEMMs on inputs made
 * from `seed` (plain JS arithmetic, so every thread can make the same ones), summed into numbers.
 * Source text, so that the worker (plain JS over dist/) and the test run the same function.
 */
const WORK = `function work(fl, seed, rounds, device) {
  const out = [];
  for (let r = 0; r < rounds; r++) {
    fl.scope(() => {
      const n = 24 + ((seed * 7 + r) % 5) * 8;
      const va = Array.from({ length: n * n }, (_, i) => ((i * 31 + seed * 17 + r) % 13) / 13 - 0.5);
      const vb = Array.from({ length: n * n }, (_, i) => ((i * 7 + seed * 3 + r * 5) % 11) / 11 - 0.5);
      const a = fl.tensor(va, { device }).reshape([n, n]), b = fl.tensor(vb, { device }).reshape([n, n]);
      const c = fl.matmul(a, b).relu().add(a.mul(2)).softmax(1);
      const d = fl.matmul(c.transpose(0, 1), b).sum(0);
      out.push(d.mul(1000).round().sum().item());
    });
  }
  return out;
}`;
// eslint-disable-next-line no-new-func
const work = new Function(`return ${WORK}`)() as (f: typeof fl, seed: number, rounds: number, device: string) => number[];

const WORKER = (lib: string) => `
const { parentPort, workerData } = require('worker_threads');
const fl = require(${JSON.stringify(lib)});
${WORK}
const { seed, rounds, device, leak } = workerData;
if (leak) {
  // tensors a worker still holds when it ends: freed by the addon when the thread's environment goes
  globalThis.kept = [fl.ones([leak], { device }), fl.zeros([leak], { device })];
  parentPort.postMessage({ ok: true, bytes: leak * 8 });
} else {
  parentPort.postMessage({ ok: true, values: work(fl, seed, rounds, device) });
}`;

function runWorker(data: Record<string, unknown>): Promise<{ values?: number[]; bytes?: number }> {
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER(path.join(ROOT, 'dist')), { eval: true, workerData: data });
    let result: { values?: number[]; bytes?: number } | null = null;
    w.on('message', (m) => { result = m; });
    w.on('error', reject);
    w.on('exit', (code) => (code === 0 && result ? resolve(result) : reject(new Error(`worker exited with code ${code} and ${result ? 'a' : 'no'} result`))));
  });
}

describe('the addon from several worker_threads at once', () => {
  beforeAll(() => {
    if (!fs.existsSync(path.join(ROOT, 'dist', 'index.js'))) throw new Error('dist/ is missing: run `npm run build:ts` first');
  });

  test('4 workers and the main thread run ops and GEMMs concurrently; each gets what it gets alone', async () => {
    const rounds = 12, seeds = [1, 2, 3, 4];
    const ref = seeds.map((s) => work(fl, s, rounds, DEVICE));  // alone, on the main thread
    const running = seeds.map((s) => runWorker({ seed: s, rounds, device: DEVICE }));
    const mine = work(fl, 9, rounds, DEVICE);  // the main thread works too, meanwhile
    const got = await Promise.all(running);
    expect(got.map((g) => g.values)).toEqual(ref);
    expect(mine).toEqual(work(fl, 9, rounds, DEVICE));
  }, LIMIT);

  test("a worker's tensors left alive when it exits are freed (allocator bytes return to where they were)", async () => {
    const before = fl.memory.stats(DEVICE === 'cpu' ? 'cpu' : 'cuda').allocatedBytes;
    const r = await runWorker({ leak: 1 << 18, device: DEVICE, seed: 0, rounds: 0 });
    expect(r.bytes).toBe((1 << 18) * 8);
    // the environment's teardown ran before 'exit' was emitted
    expect(fl.memory.stats(DEVICE === 'cpu' ? 'cpu' : 'cuda').allocatedBytes).toBe(before);
  }, LIMIT);
});

describe('await t.data() racing with t.dispose()', () => {
  test('dispose right after data(): the read resolves with the values it asked for', async () => {
    for (let i = 0; i < 50; i++) {
      const vals = Array.from({ length: 64 + i }, (_, k) => k * 0.5 - i);
      const t = fl.tensor(vals, { device: DEVICE });
      const p = t.data();
      t.dispose();  // the storage goes back to the allocator while the copy may be queued
      const junk = fl.full([64 + i], 12345, { device: DEVICE });  // may reuse the block at once
      expect(Array.from(await p)).toEqual(vals);
      junk.dispose();
    }
  });

  test('data() of a view whose base is disposed meanwhile, and of a disposed tensor', async () => {
    const base = fl.arange(0, 40, 1, { device: DEVICE, dtype: 'float32' });
    const view = base.narrow(0, 30, 10);  // the last 10 elements: a view at the end of its storage
    const p = view.data();
    base.dispose();
    view.dispose();
    expect(Array.from(await p)).toEqual([30, 31, 32, 33, 34, 35, 36, 37, 38, 39]);
    await expect(view.data()).rejects.toBeInstanceOf(fl.DisposedError);
    await expect(base.data()).rejects.toThrow(/dispos/);
  });

  test('many reads in flight, disposed in random order: each resolves with its own values or a DisposedError', async () => {
    let seed = 7;
    const rand = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
    const made = Array.from({ length: 40 }, (_, i) => fl.full([33], i, { device: DEVICE }));
    const reads: Promise<unknown>[] = [];
    const expected: (number | 'disposed')[] = [];
    for (let round = 0; round < 3; round++) {
      for (const [i, t] of made.entries()) {
        if (rand() < 0.3 && !t.isDisposed) t.dispose();
        reads.push(t.data().then((v) => Array.from(v as Float32Array)[32], (e: unknown) => (e instanceof fl.DisposedError ? 'disposed' : e)));
        expected.push(t.isDisposed ? 'disposed' : i);
        if (rand() < 0.5) await Promise.resolve();
      }
    }
    for (const t of made) if (!t.isDisposed) t.dispose();
    expect(await Promise.all(reads)).toEqual(expected);
  });
});

describe("the CPU thread pool's job handoff", () => {
  test('50,000 short parallel jobs back to back with more threads than cores finish, with the right sums (hang guard: a child process)', () => {
    // A worker preempted between its last chunk of one job and its next claim used to take a chunk
    // index of the following job (the counter was reset per job), so that chunk never ran and the
    // caller waited forever: a hang seen once in a few thousand transformer steps. Claims now carry
    // the job's number (native/core/parallel.cpp). Oversubscribing the cores makes preemption in
    // that window likely; each job is small (a few chunks), so the window comes often.
    const code = `const fl = require(${JSON.stringify(path.join(ROOT, 'dist'))});
      fl.backend.setNumThreads(6);
      const x = fl.ones([131072]);
      let bad = 0;
      for (let i = 0; i < 50000; i++) fl.scope(() => { if (x.mul(2).sum().item() !== 262144) bad++; });
      console.log(JSON.stringify({ bad }));`;
    const env: NodeJS.ProcessEnv = { ...process.env };
    if (env.FLINT_ADDON_PATH) env.FLINT_ADDON_PATH = path.resolve(env.FLINT_ADDON_PATH);
    const out = require('child_process').execFileSync(process.execPath, ['-e', code], { env, encoding: 'utf8', timeout: LIMIT, killSignal: 'SIGKILL' });
    expect(JSON.parse(out)).toEqual({ bad: 0 });
  }, LIMIT + 10_000);
});
