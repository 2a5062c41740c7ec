// signals.test.ts — SIGINT/SIGTERM during training (issue 16, "DataLoader and signals"): the
// program of examples/sigint-checkpoint.js is stopped by a signal mid-run, its handler's checkpoint
// is saved and the process exits with 0; the run resumed from that checkpoint ends with exactly the
// loss of an uninterrupted run of the same length (same model, optimizer state and step count: the
// reference is the uninterrupted run). On the emulator run of `npm test` the device is 'cuda'.
import { ChildProcess, execFile, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DEVICE } from './helpers';

const ROOT = path.resolve(__dirname, '..');
const EXAMPLE = path.join(ROOT, 'examples', 'sigint-checkpoint.js');
// the emulated GPU runs a step ~50x slower: a shorter run, the signal sent after step 20
const STEPS = DEVICE === 'cpu' ? 800 : 100;
const SIGNAL_AFTER = DEVICE === 'cpu' ? 100 : 20;
const HANG_MS = 90_000;  // a bound on each child, on a loaded 2-core machine; nothing is timed
const LIMIT = 240_000;

function run(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [EXAMPLE, '--device', DEVICE, '--every', String(SIGNAL_AFTER), ...args], { cwd: ROOT, timeout: HANG_MS, killSignal: 'SIGKILL' }, (err, out, errOut) => {
      if (err) reject(new Error(`sigint-checkpoint.js ${args.join(' ')} failed: ${String(err)}\n${out}\n${errOut}`)); else resolve(out);
    });
  });
}

/** Starts a long run, sends `signal` once it has printed `step SIGNAL_AFTER`, and resolves with its exit code and output. */
function interrupted(ckpt: string, signal: 'SIGINT' | 'SIGTERM'): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const c: ChildProcess = spawn(process.execPath, [EXAMPLE, '--device', DEVICE, '--every', String(SIGNAL_AFTER), '--steps', '1000000', '--ckpt', ckpt], { cwd: ROOT });
    let out = '', sent = false;
    const guard = setTimeout(() => { c.kill('SIGKILL'); reject(new Error(`no exit within ${HANG_MS} ms after ${sent ? signal : 'starting'}:\n${out}`)); }, HANG_MS);
    c.stdout!.on('data', (d) => {
      out += d;
      if (!sent && new RegExp(`step ${SIGNAL_AFTER} loss`).test(out)) { sent = true; c.kill(signal); }
    });
    c.stderr!.on('data', (d) => { out += d; });
    c.on('close', (code) => { clearTimeout(guard); resolve({ code, out }); });
  });
}

describe(`a signal during training (examples/sigint-checkpoint.js on ${DEVICE})`, () => {
  let dir = '';
  beforeAll(() => {
    if (!fs.existsSync(path.join(ROOT, 'dist', 'index.js'))) throw new Error('dist/ is missing: run `npm run build:ts` first');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-signal-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test.each(['SIGINT', 'SIGTERM'] as const)('%s: the handler saves a checkpoint, the process exits with 0, the resumed run ends as an uninterrupted one', async (signal) => {
    const reference = /final loss (\S+)/.exec(await run(['--steps', String(STEPS), '--ckpt', path.join(dir, `ref-${signal}.ckpt`)]))![1];
    const ckpt = path.join(dir, `stopped-${signal}.ckpt`);
    const r = await interrupted(ckpt, signal);
    expect(r.code).toBe(0);
    const m = new RegExp(`${signal}: checkpoint saved at step (\\d+) to `).exec(r.out);
    if (!m) throw new Error(`no checkpoint line in the output:\n${r.out}`);
    const at = Number(m[1]);
    expect(at).toBeGreaterThan(SIGNAL_AFTER);
    if (at >= STEPS) throw new Error(`the signal arrived after step ${at}, past the ${STEPS} steps compared: the run was too slow to stop`);
    const resumed = await run(['--steps', String(STEPS), '--ckpt', ckpt, '--resume', '1']);
    expect(resumed).toContain(`resumed from ${ckpt} at step ${at}`);
    expect(/final loss (\S+)/.exec(resumed)![1]).toBe(reference);
  }, LIMIT);
});
