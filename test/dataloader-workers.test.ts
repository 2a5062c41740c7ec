// dataloader-workers.test.ts — DataLoader worker threads that fail (issue 16, "DataLoader and
// signals"): a dataset that throws surfaces its error, with the worker's message and stack, in the
// consumer's `for await`; a worker that dies (process.exit in the dataset's code, an uncaught
// exception in a timer) gives a clear error at once instead of a loop that waits forever; and no
// worker thread is left behind (the count of live workers, and a process that exits by itself).
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fl from '../lib';
import { liveWorkerCount } from '../lib/data/worker';
import { CrashingDataset, ExitingDataset, FailingDataset } from './fixtures/data-datasets';

const ROOT = path.resolve(__dirname, '..');
// Each worker compiles the dataset's TypeScript module as it starts: seconds of CPU on a loaded
// runner. These limits only turn a hang into a failure with a message; nothing is timed.
const HANG_MS = 45_000;
const LIMIT = 60_000;

/** One epoch's first labels, or what it threw; fails with a message when it neither ends nor throws in time. */
async function epoch(loader: fl.data.DataLoader<any, any>): Promise<{ seen: number[]; error: unknown }> {
  const seen: number[] = [];
  const run = (async () => {
    try {
      for await (const b of loader) {
        seen.push(b.y.toArray()[0]);
        fl.data.disposeBatch(b);
      }
    } catch (e) {
      return { seen, error: e };
    }
    return { seen, error: null };
  })();
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`the loop hung: no batch and no error for ${HANG_MS} ms`)), HANG_MS); });
  try { return await Promise.race([run, hang]); } finally { clearTimeout(timer); }
}

describe('DataLoader workers that fail', () => {
  test("a worker's exception reaches the for-await with the worker's message and stack", async () => {
    const { seen, error } = await epoch(new fl.data.DataLoader(new FailingDataset(20, 13), { batchSize: 3, numWorkers: 2 }));
    expect(seen).toEqual([0, 3, 6, 9]);
    expect(error).toBeInstanceOf(Error);
    const e = error as Error;
    expect(e.message).toBe('boom at item 13');
    expect(e.stack).toContain('(in DataLoader worker 0)');
    expect(e.stack).toMatch(/data-datasets\.ts:\d+/);  // the frame in the dataset's get, in the worker
    expect(liveWorkerCount()).toBe(0);
  }, LIMIT);

  test('a worker that calls process.exit: a FlintError naming the worker and the code, the batches before it intact', async () => {
    const { seen, error } = await epoch(new fl.data.DataLoader(new ExitingDataset(20, 7), { batchSize: 3, numWorkers: 2 }));
    expect(seen).toEqual([0, 3]);  // batch [6, 7, 8] was on worker 0 when it ended
    expect(error).toBeInstanceOf(fl.FlintError);
    expect((error as Error).message).toMatch(/^DataLoader worker 0 exited unexpectedly with code 3 /);
    expect(liveWorkerCount()).toBe(0);
  }, LIMIT);

  test('a worker that crashes (an uncaught exception in a timer): its error, marked as the one that ended it', async () => {
    const { seen, error } = await epoch(new fl.data.DataLoader(new CrashingDataset(20, 10), { batchSize: 2, numWorkers: 3 }));
    expect(seen).toEqual([0, 2, 4, 6, 8]);
    expect((error as Error).message).toMatch(/crash in a timer at item 10$/);  // ("RangeError: …" as the worker's error event gives it)
    expect((error as Error).stack).toContain('uncaught in DataLoader worker 2, which ended');
    expect(liveWorkerCount()).toBe(0);
  }, LIMIT);

  test("a crashing worker's batches posted before the crash still arrive, when the main thread reads its messages late", async () => {
    // Node sends the uncaught error on the worker's internal port; a main thread that is busy when the
    // worker crashes then finds the error and the batches the worker had posted (batch [4, 5]) queued
    // together, and could read the error first. Before the fix this lost [4, 5] and everything after it
    // in about half of the epochs ([0, 2]).
    for (let epochNo = 0; epochNo < 3; epochNo++) {
      const loader = new fl.data.DataLoader(new CrashingDataset(20, 10), { batchSize: 2, numWorkers: 3 });
      const seen: number[] = [];
      let error: unknown = null;
      try {
        let first = true;
        for await (const b of loader) {
          seen.push(b.y.toArray()[0]);
          fl.data.disposeBatch(b);
          if (first) { first = false; const t = Date.now(); while (Date.now() - t < 100) { /* busy while the workers run and one crashes */ } }
        }
      } catch (e) { error = e; }
      expect(seen).toEqual([0, 2, 4, 6, 8]);
      expect((error as Error).message).toMatch(/crash in a timer at item 10$/);
    }
    expect(liveWorkerCount()).toBe(0);
  }, LIMIT);

  test('after a worker died, the process exits by itself (no thread left behind keeps it alive)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-dlw-'));
    try {
      // plain JavaScript over the built package, as a user's program
      fs.writeFileSync(path.join(dir, 'ds.js'), `
const { Dataset } = require(${JSON.stringify(path.join(ROOT, 'dist', 'data'))});
class Dying extends Dataset {
  get length() { return 40; }
  get(i) { if (i === 9) process.exit(5); return { x: Float32Array.of(i), y: i }; }
  workerSource() { return { module: __filename, exportName: 'Dying', args: [] }; }
}
module.exports = { Dying };`);
      fs.writeFileSync(path.join(dir, 'main.js'), `
const fl = require(${JSON.stringify(path.join(ROOT, 'dist'))});
const { Dying } = require('./ds.js');
(async () => {
  try {
    for await (const b of new fl.data.DataLoader(new Dying(), { batchSize: 4, numWorkers: 2 })) fl.data.disposeBatch(b);
    console.log('no error');
  } catch (e) {
    console.log('caught ' + e.name + ': ' + e.message);
  }
})();  // no process.exit: the process must end on its own`);
      const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
        execFile(process.execPath, [path.join(dir, 'main.js')], { cwd: dir, timeout: HANG_MS, killSignal: 'SIGKILL' },
          (err, out, errOut) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, out: out + errOut }));
      });
      expect(r.out).toMatch(/^caught FlintError: DataLoader worker 0 exited unexpectedly with code 5 /);
      expect(r.code).toBe(0);  // null would mean it was killed at HANG_MS: something kept it alive
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, LIMIT);
});
