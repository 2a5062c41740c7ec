// test-gpu.test.ts — `npm run test:gpu` (scripts/test-gpu.js), what the GPU runner's workflow and
// scripts/gpu-check.sh's jest stage run: it fails (exit 1, the doctor's reason) where no GPU backend
// is usable, and on a GPU — here the CUDA driver emulator, in scripts/test-emu.js — runs the unit
// project with the jest arguments it was given. The children run as the GPU host runs them.
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');
const onGpu = !!process.env.FLINT_TEST_DEVICE && process.env.FLINT_TEST_DEVICE !== 'cpu';
const CHILD_MS = onGpu ? 300_000 : 120_000;  // hang guard: the nested jest on the emulator takes ~10 s

interface Result { code: number; stdout: string; stderr: string }

// the environment of the GPU host: no jest worker variables of this run, FLINT_TEST_DEVICE as given
function run(cmd: string, args: string[], env: Record<string, string | undefined>): Promise<Result> {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('JEST_')) base[k] = v;
  for (const [k, v] of Object.entries(env)) { if (v === undefined) delete base[k]; else base[k] = v; }
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: ROOT, timeout: CHILD_MS, killSignal: 'SIGKILL', maxBuffer: 1 << 26, env: base },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });
}

// No GPU on any host, a GPU runner included: the NVIDIA backend only, with a driver file that does not exist.
const NO_GPU = { FLINT_BACKEND: 'cuda', FLINT_CUDA_DRIVER: '/nonexistent/libcuda.so.1', FLINT_TEST_DEVICE: 'cuda' };

test('without a GPU backend it fails with the doctor\'s reason and runs no test', async () => {
  const r = await run(process.execPath, ['scripts/test-gpu.js', 'test/softmax.test.ts'], NO_GPU);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain("test:gpu: no GPU backend is available, so the suite cannot run on 'cuda' (this is a failure, not a skip)");
  expect(r.stderr).toContain('the doctor says: FLINT_BACKEND=cuda: no NVIDIA driver found (/nonexistent/libcuda.so.1');
  expect(r.stderr).toContain('| cpu matmul check: ok');  // the doctor's whole report follows
  expect(`${r.stdout}${r.stderr}`).not.toMatch(/^Tests:|Running one project/m);
}, CHILD_MS + 10_000);

test('refuses a device that is not a GPU, with exit code 2', async () => {
  for (const device of ['cpu', 'cuda:x', 'gpu']) {
    const r = await run(process.execPath, ['scripts/test-gpu.js'], { FLINT_TEST_DEVICE: device });
    expect([device, r.code]).toEqual([device, 2]);
    expect(r.stderr).toContain(`FLINT_TEST_DEVICE=${device}: test:gpu runs the suite on a GPU`);
  }
}, CHILD_MS + 10_000);

test("scripts/gpu-check.sh's jest stage runs npm run test:gpu (so it fails there too without a GPU)", async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-testgpu-'));
  try {
    const r = await run('bash', ['scripts/gpu-check.sh', out], { ...NO_GPU, GPU_CHECK_STAGES: 'jest', GPU_CHECK_TESTS: 'test/softmax.test.ts' });
    const summary = fs.readFileSync(path.join(out, 'summary.txt'), 'utf8');
    const log = fs.readFileSync(path.join(out, 'log.txt'), 'utf8');
    expect(r.code).toBe(1);
    expect(summary).toMatch(/^jest +FAILED \(exit 1\)/m);
    expect(log).toContain('test:gpu: no GPU backend is available');
    expect(log).toContain('the doctor says: FLINT_BACKEND=cuda: no NVIDIA driver found');
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}, CHILD_MS + 10_000);

// On a GPU only (the emulator in npm test's second half, scripts/test-emu.js, or the GPU runner): the
// nested suite needs one. Not registered in the CPU half.
if (onGpu) test('on the GPU it runs the unit project with the jest arguments it is given (paths, -t, --json --outputFile)', async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-testgpu-'));
  try {
    const file = path.join(out, 'jest.json');
    const r = await run(process.execPath, ['scripts/test-gpu.js', 'test/softmax.test.ts', '-t', 'logSoftmax', '--ci', '--json', `--outputFile=${file}`], {});
    if (r.code !== 0) throw new Error(`test:gpu exited with ${r.code}\n${r.stdout}\n${r.stderr.slice(-6000)}`);
    expect(r.stderr).toMatch(/^test:gpu: cuda: (nvidia|amd), \d+ device\(s\) \(FLINT_TEST_DEVICE=cuda/m);
    const j = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      numFailedTests: number; numPassedTests: number; numPendingTests: number;
      testResults: { name: string; assertionResults: { fullName: string; status: string }[] }[];
    };
    expect(j.testResults.map((t) => path.relative(ROOT, t.name))).toEqual([path.join('test', 'softmax.test.ts')]);
    const passed = j.testResults[0].assertionResults.filter((a) => a.status === 'passed').map((a) => a.fullName);
    expect(passed.length).toBeGreaterThan(0);
    expect(passed.filter((n) => !n.includes('logSoftmax'))).toEqual([]);  // -t reached jest
    expect(j.numPendingTests).toBeGreaterThan(0);                           // the others were filtered out
    expect(j.numFailedTests).toBe(0);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}, CHILD_MS + 10_000);
