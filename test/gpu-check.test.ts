// gpu-check.test.ts — keeps the GPU host's scripts from rotting between GPU runs (issue 9): runs
// bench/gpt.js --quick and scripts/gpu-check.sh's stages as child processes, as the GPU host does,
// on the device the suite runs on: the CPU in `jest`, the CUDA driver emulator in
// scripts/test-emu.js (FLINT_TEST_DEVICE=cuda), a real GPU under gpu-check.sh itself. No PyTorch
// peer (CI has no torch; the scripts' peer paths run on the GPU host). The scripts load dist/.
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');
const onGpu = !!process.env.FLINT_TEST_DEVICE && process.env.FLINT_TEST_DEVICE !== 'cpu';
const DEVICE = onGpu ? 'cuda' : 'cpu';
// hang guards: the emulator runs kernels on the CPU, slowly; a child past its limit is killed
const CHILD_MS = onGpu ? 420_000 : 120_000;

interface Result { code: number; stdout: string; stderr: string }

function run(cmd: string, args: string[], env: Record<string, string> = {}): Promise<Result> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: ROOT, timeout: CHILD_MS, killSignal: 'SIGKILL', maxBuffer: 1 << 26, env: { ...process.env, ...env } },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });
}

interface Rec { [k: string]: unknown }
const jsonLines = (text: string): Rec[] => text.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Rec);

/**
 * Checks bench/gpt.js's JSON lines (--quick --no-peer --breakdown): both dtypes trained on `device`
 * (the loss starts near ln(vocab) and falls: the same batch every step) and each has its op families.
 */
function checkGpt(file: string, device: string, stdout: string): void {
  const recs = jsonLines(fs.readFileSync(file, 'utf8'));
  const info = recs.find((x) => x.impl === 'info')!;
  expect(info.device).toBe(device);
  const vocab = (info.config as { vocab: number }).vocab;
  expect(recs.filter((x) => x.status === 'failed')).toEqual([]);
  for (const dtype of ['float32', 'bfloat16']) {
    const step = recs.find((x) => x.impl === 'flintml' && x.dtype === dtype && x.metric === 'ms_per_step');
    if (!step) throw new Error(`no ${dtype} step in\n${stdout}`);
    expect(step.value as number).toBeGreaterThan(0);
    expect(step.peak_bytes as number).toBeGreaterThan(0);
    expect(Math.abs((step.first_loss as number) - Math.log(vocab))).toBeLessThan(1.5);
    expect(step.last_loss as number).toBeLessThan(step.first_loss as number);
    const fams = recs.find((x) => x.bench === 'gpt_families' && x.dtype === dtype)!;
    expect(fams.clock).toBe(device === 'cpu' ? 'host' : 'cuda_events');
    const families = fams.families as { family: string; ms: number; calls: number }[];
    const names = families.map((f) => f.family);
    for (const f of ['gemm', 'softmax', 'elementwise', 'optimizer']) expect(names).toContain(f);
    expect(families.reduce((s, f) => s + f.calls, 0)).toBe(fams.calls);
    for (const f of families) expect(f.ms).toBeGreaterThanOrEqual(0);
  }
}

// bench/gpu-host.js drives the emulator itself (FLINT_EMU_EXEC=0), so it runs in the emulator's pass
// (scripts/test-emu.js sets FLINT_CUDA_DRIVER), not on a real GPU nor in the CPU pass (defined only there).
const onEmulator = onGpu && !!process.env.FLINT_CUDA_DRIVER;
if (onEmulator) describe('bench/gpu-host.js --quick (the emulator without kernel execution)', () => {
  test('counts the ops, launches and peak memory of a GPT step and the host time of small ops', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-gpu-host-'));
    try {
      const file = path.join(dir, 'host.jsonl');
      const r = await run(process.execPath, ['bench/gpu-host.js', '--quick', '--no-peer', '--steps', '1', '--json', file]);
      if (r.code !== 0) throw new Error(`bench/gpu-host.js exited with ${r.code}\n${r.stdout}\n${r.stderr}`);
      expect(r.stdout).toContain('SMOKE TEST, NOT RESULTS');
      const recs = jsonLines(fs.readFileSync(file, 'utf8'));
      for (const dtype of ['float32', 'bfloat16']) {
        const g = recs.find((x) => x.impl === 'flintml' && x.dtype === dtype) as Rec & { ops_per_step: number; launches_per_step: number; launches_by_family: Record<string, number>; peak_bytes: number; ms_per_step: number[] };
        expect(g).toBeDefined();
        // about one launch per op (the counts are differences of two runs: whole numbers per step)
        expect(g.ops_per_step).toBeGreaterThan(50);
        expect(g.launches_per_step).toBeGreaterThanOrEqual(g.ops_per_step * 0.9);
        expect(Number.isInteger(g.launches_per_step)).toBe(true);
        expect(g.launches_by_family.layernorm).toBeGreaterThan(0);  // fused on the GPU as on the CPU
        expect(g.peak_bytes).toBeGreaterThan(0);
        g.ms_per_step.forEach((ms) => expect(ms).toBeGreaterThan(0));
      }
      const so = recs.find((x) => x.metric === 'us_per_op') as Rec & { value: number };
      expect(so.value).toBeGreaterThan(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, CHILD_MS + 10_000);
});

describe('bench/gpt.js --quick', () => {
  // on the CPU in every run (the GPU's turn is gpu-check.sh's bench-gpt stage below: each step takes seconds on the emulator)
  test('trains the GPT on the CPU in float32 and bfloat16 autocast and times each op family', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-gpt-'));
    try {
      const file = path.join(dir, 'gpt.jsonl');
      const r = await run(process.execPath, ['bench/gpt.js', '--quick', '--no-peer', '--breakdown', '--device', 'cpu', '--json', file]);
      if (r.code !== 0) throw new Error(`bench/gpt.js exited with ${r.code}\n${r.stdout}\n${r.stderr}`);
      expect(r.stdout).toContain('SMOKE TEST, NOT RESULTS');
      checkGpt(file, 'cpu', r.stdout);
      // the lines gpu-check.sh puts in summary.txt
      const s = await run(process.execPath, ['bench/gpt.js', '--summarize', file]);
      expect(s.code).toBe(0);
      expect(s.stdout).toMatch(/gpt flintml float32: [\d.]+ ms\/step/);
      expect(s.stdout).toMatch(/gpt flintml bfloat16 time by family \(ms\): \w/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, CHILD_MS * 2 + 10_000);

  test('refuses an unknown argument and a bad size with exit code 2', async () => {
    const a = await run(process.execPath, ['bench/gpt.js', '--quick', '--bogus']);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('unknown argument --bogus');
    const b = await run(process.execPath, ['bench/gpt.js', '--quick', '--d', '30', '--heads', '4']);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('not a multiple of --heads');
  }, CHILD_MS * 2 + 10_000);
});

describe('scripts/gpu-check.sh', () => {
  const script = fs.readFileSync(path.join(ROOT, 'scripts', 'gpu-check.sh'), 'utf8');

  test("the stages' timeouts fit the GPU host's run (at most 420 s of the device run's 480 s)", () => {
    const m = /^declare -A T=\((.*)\)$/m.exec(script);
    if (!m) throw new Error('no `declare -A T=(...)` line in scripts/gpu-check.sh');
    const t = Object.fromEntries([...m[1].matchAll(/\[([\w-]+)\]=(\d+)/g)].map((x) => [x[1], Number(x[2])]));
    const stages = /^STAGES=\((.*)\)$/m.exec(script)![1].trim().split(/\s+/);
    expect(Object.keys(t).sort()).toEqual([...stages].sort());
    for (const s of stages) expect(typeof script.match(new RegExp(`^stage_${s.replace(/-/g, '_')}\\(\\)`, 'm'))?.[0]).toBe('string');
    expect(Object.values(t).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(420);
  });

  test(`runs its stages on ${DEVICE} into OUTDIR: summary.txt first, a line per stage, at most 8 files`, async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-gpucheck-'));
    try {
      // on the emulator: dist/'s check, the doctor, interop, the GPT benchmark and the sanitizer's op subset
      // (compute-sanitizer is not here: the subset runs without it and the stage is SKIPPED); on the CPU,
      // the stages that need no GPU
      // (on a real GPU gpu-check.sh runs this test inside its jest stage: there the sanitizer stage is its own)
      const emulated = !!process.env.FLINT_CUDA_DRIVER;
      const stages = !onGpu ? 'build-ts,doctor,interop' : emulated ? 'build-ts,doctor,interop,bench-gpt,sanitizer' : 'build-ts,doctor,interop,bench-gpt';
      const r = await run('bash', ['scripts/gpu-check.sh', out], { GPU_CHECK_STAGES: stages, GPU_CHECK_QUICK: '1', GPU_CHECK_NO_PEER: '1', GPU_CHECK_T_SCALE: '5' });
      const files = fs.readdirSync(out).sort();
      const summary = fs.existsSync(path.join(out, 'summary.txt')) ? fs.readFileSync(path.join(out, 'summary.txt'), 'utf8') : '';
      const log = fs.existsSync(path.join(out, 'log.txt')) ? fs.readFileSync(path.join(out, 'log.txt'), 'utf8') : '';
      const why = `exit ${r.code}\n--- summary.txt\n${summary}\n--- log.txt\n${log.slice(-6000)}\n--- stderr\n${r.stderr}`;
      expect({ files: files.length <= 8, has: files.includes('summary.txt') && files.includes('log.txt'), why }).toEqual({ files: true, has: true, why });
      expect(summary).toMatch(/^gpu-check \d{4}-\d\d-\d\dT/);
      expect(summary).toContain('GPU_CHECK_QUICK=1: tiny benchmark sizes');
      expect(summary).toMatch(/^build-ts +OK/m);  // dist/ is fresh here (the suite needs it): kept, not rebuilt
      expect(log).toContain('dist/ is newer than every lib/ source: kept');
      expect(summary).toMatch(/^doctor +OK/m);
      if (onGpu) {
        expect(summary).toMatch(/doctor: cuda: nvidia, \d+ device/);
        expect(summary).toMatch(/^bench-gpt +OK/m);
        expect(summary).toMatch(/gpt flintml bfloat16: [\d.]+ ms\/step/);
        expect(files).toContain('gpt.jsonl');
        checkGpt(path.join(out, 'gpt.jsonl'), 'cuda', log);
        if (emulated) {
          // no compute-sanitizer for the emulator: the op subset ran on its own and passed, and the stage says why it skipped
          expect(log).toMatch(/ops-subset\.js: \d+ checks, \d+ native op calls .*, 0 failed/);
          expect(summary).toMatch(/^sanitizer +SKIPPED \(compute-sanitizer is not on PATH/m);
        }
      }
      // interop: OK where python3 has safetensors, else SKIPPED with the reason; never FAILED
      expect(summary).toMatch(/^interop +(OK|SKIPPED \(interop\.py: python .* has no safetensors module\))/m);
      expect(r.code).toBe(0);
      expect(summary).toMatch(/done .*every stage OK or SKIPPED/);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }, CHILD_MS + 10_000);

  // compute-sanitizer's three tools, through a stand-in (the emulator has no compute-sanitizer): it
  // logs the tool, then runs the op subset as the real one would (or, for the tool named in
  // FAKE_SANITIZER_FINDS, reports errors with exit code 4 as --error-exitcode 4 asks)
  if (onEmulator) test('the sanitizer stage runs memcheck, racecheck and synccheck over the op subset; a tool that finds errors fails it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-gpucheck-'));
    try {
      const bin = path.join(dir, 'bin');
      fs.mkdirSync(bin);
      const calls = path.join(dir, 'calls.txt');
      fs.writeFileSync(path.join(bin, 'compute-sanitizer'), [
        '#!/bin/sh',
        'case "$1" in --version) echo "Version 0.0 (stand-in)"; exit 0;; esac',
        'tool=""; while [ "$1" != node ]; do [ "$1" = --tool ] && tool=$2; shift; done',
        `echo "$tool FLINT_SYNC=$FLINT_SYNC $*" >> ${calls}`,
        '[ "$tool" = "$FAKE_SANITIZER_FINDS" ] && { echo "========= ERROR SUMMARY: 1 error"; exit 4; }',
        'exec "$@"', '',
      ].join('\n'), { mode: 0o755 });
      const env = { GPU_CHECK_STAGES: 'sanitizer', GPU_CHECK_T_SANITIZER: '600', PATH: `${bin}:${process.env.PATH}` };
      const ok = await run('bash', ['scripts/gpu-check.sh', path.join(dir, 'a')], env);
      const summary = fs.readFileSync(path.join(dir, 'a', 'summary.txt'), 'utf8');
      expect({ code: ok.code, summary }).toEqual({ code: 0, summary: expect.stringMatching(/^sanitizer +OK/m) });
      expect(summary).toContain('compute-sanitizer: ');
      for (const tool of ['memcheck', 'racecheck', 'synccheck']) expect(summary).toMatch(new RegExp(`^  sanitizer: ${tool} OK \\(\\d+ s\\)$`, 'm'));
      expect(fs.readFileSync(calls, 'utf8').trim().split('\n')).toEqual([
        'memcheck FLINT_SYNC=1 node scripts/gpu-check/ops-subset.js',
        'racecheck FLINT_SYNC=1 node scripts/gpu-check/ops-subset.js',
        'synccheck FLINT_SYNC=1 node scripts/gpu-check/ops-subset.js',
      ]);
      const bad = await run('bash', ['scripts/gpu-check.sh', path.join(dir, 'b')], { ...env, FAKE_SANITIZER_FINDS: 'racecheck' });
      const badSummary = fs.readFileSync(path.join(dir, 'b', 'summary.txt'), 'utf8');
      expect(bad.code).toBe(1);
      expect(badSummary).toMatch(/^sanitizer +FAILED \(exit 1\)/m);
      expect(badSummary).toContain('  sanitizer: racecheck FOUND ERRORS (see log.txt)');
      expect(badSummary).toMatch(/^  sanitizer: synccheck OK/m);  // the next tool still runs
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, CHILD_MS * 2 + 10_000);

  test('a stage that hangs is cut by its own timeout and the run goes on', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-gpucheck-'));
    try {
      // a python that hangs in interop.py (and is python3 for everything else): the interop stage,
      // limited to 3 s, is cut; the sanitizer stage after it still runs
      const py = path.join(out, 'hanging-python');
      fs.writeFileSync(py, '#!/bin/sh\ncase "$1" in *interop.py) sleep 120;; esac\nexec python3 "$@"\n', { mode: 0o755 });
      const r = await run('bash', ['scripts/gpu-check.sh', path.join(out, 'o')], {
        GPU_CHECK_STAGES: 'interop,sanitizer', GPU_CHECK_T_INTEROP: '3', GPU_CHECK_T_SCALE: '5', FLINT_BENCH_PYTHON: py,
      });
      const summary = fs.readFileSync(path.join(out, 'o', 'summary.txt'), 'utf8');
      expect(summary).toMatch(/^interop +TIMEOUT after 3s/m);
      expect(summary).toMatch(/^sanitizer +(OK|SKIPPED|FAILED)/m);
      expect(summary).toMatch(/some stage FAILED or TIMED OUT/);
      expect(r.code).toBe(1);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }, CHILD_MS + 10_000);
});
