// long-run.test.ts — memory over long training runs (issue 16), in child processes running
// bench/soak.js (node --expose-gc, the compiled dist/): a loop over an in-memory DataLoader whose
// `for await` resolves through microtasks only, so it never yields to the event loop's task queue.
// The reference is the first sample after the warm-up: liveTensors and the allocator's bytes must
// equal it exactly at every later sample, and the JS heap after gc() may not grow by more than
// 1 MiB. Before the fix in lib/tensor.ts (a queued Immediate kept each scope's tensors until the
// next task) the MLP loop grew the heap by ~2 MiB per 10,000 steps: 2 MiB over the 10,000 steps
// measured here, which this tolerance fails. The long forms are `node --expose-gc bench/soak.js`
// (100,000 steps; figures in bench/RELIABILITY.md).
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { DEVICE } from './helpers';

const ROOT = path.resolve(__dirname, '..');

interface Summary { steps: number; liveTensorsFlat: boolean; allocatedFlat: boolean; heapGrowthMiB: number; rssRangePct: number }

function soak(args: string[], timeoutMs: number): Promise<{ summary: Summary; ok: boolean; out: string }> {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'index.js'))) throw new Error('dist/ is missing: run `npm run build:ts` first');
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--expose-gc', path.join(ROOT, 'bench', 'soak.js'), '--device', DEVICE, ...args], { cwd: ROOT, timeout: timeoutMs, maxBuffer: 1 << 24 },
      (err, stdout, stderr) => {
        const last = stdout.trim().split('\n').pop() ?? '';
        let parsed: { summary: Summary; ok: boolean } | undefined;
        try { parsed = JSON.parse(last) as { summary: Summary; ok: boolean }; } catch { /* reported below */ }
        if (!parsed?.summary) { reject(new Error(`soak.js ${args.join(' ')} failed (${String(err?.message)}):\n${stdout}\n${stderr}`)); return; }
        resolve({ ...parsed, out: stdout });
      });
  });
}

const cpu = DEVICE === 'cpu';

(cpu ? test.concurrent : test.skip)('a never-yielding training loop keeps the JS heap flat (10,000 MLP steps after warm-up)', async () => {
  const r = await soak(['--model', 'mlp', '--steps', '14000', '--every', '2000', '--warmup', '4000', '--heapTolMiB', '1', '--rssTolPct', '10'], 90_000);
  expect(r.summary.steps).toBe(14000);
  expect(r.summary.liveTensorsFlat).toBe(true);
  expect(r.summary.allocatedFlat).toBe(true);
  expect(r.summary.heapGrowthMiB).toBeLessThan(1);
  expect(r.ok).toBe(true);
}, 100_000);

(cpu ? test.concurrent : test.skip)('soak: the demo model for 1,500 steps: tensors and allocator bytes exactly flat, RSS within 5%', async () => {
  const r = await soak(['--model', 'gpt', '--steps', '1500', '--every', '250', '--warmup', '500', '--heapTolMiB', '1', '--rssTolPct', '5'], 90_000);
  expect(r.summary.liveTensorsFlat).toBe(true);
  expect(r.summary.allocatedFlat).toBe(true);
  expect(r.summary.rssRangePct).toBeLessThan(5);
  expect(r.ok).toBe(true);
}, 100_000);
