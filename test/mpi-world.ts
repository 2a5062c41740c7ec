// mpi-world.ts — how the MPI tests (distributed.test.ts, syncbn-dist.test.ts) run their worlds: child
// processes of the built package (dist/), each with a hang guard, writing one JSON result per rank
// into a fresh folder (FLINT_TEST_OUT) that this module removes after the file's tests.
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ROOT } from './dist';

/** A world's hang guard: a child still running after this is killed, and its test fails with the output so far. */
export const HANG_MS = 60_000;
export const FIX = path.join(ROOT, 'test', 'fixtures', 'distributed');
export const CLI = path.join(ROOT, 'dist', 'cli.js');
export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

const outDirs: string[] = [];
/** Removes the result folders of every world this file ran (call it from afterAll). */
export function removeWorldOutputs(): void { for (const d of outDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true }); }

export interface Run { code: number | null; stdout: string; stderr: string; ms: number; out: string }
/** Runs a command; the fixtures write their results into `out` (FLINT_TEST_OUT), one file per rank. */
export function run(cmd: string, args: string[]): Promise<Run> {
  const t0 = Date.now();
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-dist-test-'));
  outDirs.push(out);
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: ROOT, timeout: HANG_MS, killSignal: 'SIGKILL', maxBuffer: 1 << 24, env: { ...process.env, FLINT_DIST_DIR: path.join(ROOT, 'dist'), FLINT_TEST_OUT: out } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : null) : 0;
      resolve({ code, stdout, stderr, ms: Date.now() - t0, out });
    });
  });
}

/** The results the ranks wrote, by rank. */
export function results(r: Run): Record<number, any> {  // eslint-disable-line @typescript-eslint/no-explicit-any
  const out: Record<number, any> = {};  // eslint-disable-line @typescript-eslint/no-explicit-any
  for (const f of fs.readdirSync(r.out)) { const v = JSON.parse(fs.readFileSync(path.join(r.out, f), 'utf8')); out[v.rank] = v; }
  if (Object.keys(out).length === 0) throw new Error(`no results written (exit ${r.code} after ${r.ms} ms)\nstdout:\n${r.stdout}\nstderr:\n${r.stderr.slice(-4000)}`);
  return out;
}
