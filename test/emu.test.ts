// emu.test.ts — the CPU emulation of the CUDA driver (test/emu, scripts/build-emu.js), which runs
// the GPU backend's kernels on machines without a GPU. Checks the emulator itself, not flintml:
//  - it builds with g++ alone, and every native/kernels/*.cu compiles for it (a file that does not
//    is named with its compiler error);
//  - it exports every driver symbol that native/gpu/cuda.cpp resolves, and registers every
//    extern "C" kernel that the compiled kernel files define;
//  - test/emu/selftest.cpp (a small driver-API program) launches kernels of native/kernels with the
//    argument layouts those files declare and compares with naive host references, and checks the
//    scheduler's semantics (barriers, shuffles, votes, atomics, deadlock/trap reporting) and the
//    memory checks (range checks, FLINT_EMU_MEMORY limit), and the model of CUDA's device math and
//    FMA contraction (within CUDA's ulp bounds, not the identity, special values exact);
//  - with FLINT_EMU_GUARD=1 an out-of-bounds kernel write faults and names the kernel;
//  - FLINT_EMU_EXEC=0 (host-side timing) runs no device work and FLINT_EMU_STATS counts it.
// The build is cached in build-emu/ (FLINT_EMU_DIR chooses another folder); a first build takes
// about half a minute on two cores.
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const root = path.resolve(__dirname, '..');
const out = path.resolve(root, process.env.FLINT_EMU_DIR ?? 'build-emu');
const lib = path.join(out, 'libcuda.so.1');
const selftest = path.join(out, 'selftest');
let buildLog = '';

function mtime(f: string): number {
  try { return fs.statSync(f).mtimeMs; } catch { return -1; }
}

beforeAll(() => {
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-emu.js'), out], { encoding: 'utf8' });
  buildLog = r.stderr;
  if (r.status !== 0) throw new Error(`scripts/build-emu.js failed:\n${r.stderr}`);
  expect(r.stdout.trim()).toBe(lib);
  const src = path.join(__dirname, 'emu', 'selftest.cpp');
  const philox = path.join(root, 'native', 'core', 'philox.h');
  if (mtime(selftest) < Math.max(mtime(src), mtime(philox))) {
    execFileSync('g++', ['-std=c++17', '-O1', '-I', path.join(root, 'native'), '-o', `${selftest}.tmp`, src, '-ldl']);
    fs.renameSync(`${selftest}.tmp`, selftest);
  }
}, 240_000);

test('every kernel file of native/kernels compiles for the emulator', () => {
  const failed = buildLog.split('\n').filter((l) => l.includes('FAILED'));
  expect(failed).toEqual([]);
});

test('the emulator exports every driver entry point that native/gpu/cuda.cpp resolves', () => {
  const table = fs.readFileSync(path.join(root, 'native', 'gpu', 'cuda.cpp'), 'utf8');
  const wanted = [...table.matchAll(/\{\{"(\w+)"/g)].map((m) => m[1]);
  expect(wanted.length).toBeGreaterThan(30);
  const exported = new Set(execFileSync('nm', ['-D', '--defined-only', lib], { encoding: 'utf8' })
    .split('\n').map((l) => l.trim().split(/\s+/)[2]).filter(Boolean));
  expect(wanted.filter((s) => !exported.has(s))).toEqual([]);
  // nothing but the driver API and the emulator's own queries is exported
  expect([...exported].filter((s) => !/^(cu|flint_emu_)/.test(s))).toEqual([]);
});

test('every extern "C" kernel that a kernel file defines is registered by name', () => {
  const objDir = path.join(out, 'obj');
  const genDir = path.join(out, 'gen');
  const families = fs.readdirSync(objDir).filter((f) => f.endsWith('.o') && f !== 'emu_driver.o' && f !== 'emu_build_info.o');
  expect(families).toContain('elementwise.o');
  for (const o of families) {
    const family = o.slice(0, -2);
    // kernels are global functions named flint_* with C linkage (the emulator's internals are not)
    const defined = execFileSync('nm', ['--defined-only', path.join(objDir, o)], { encoding: 'utf8' })
      .split('\n').map((l) => l.trim().split(/\s+/)).filter((f) => f[1] === 'T' && /^flint_\w+$/.test(f[2] ?? ''))
      .map((f) => f[2]).sort();
    const registered = [...fs.readFileSync(path.join(genDir, `${family}.cpp`), 'utf8').matchAll(/EMU_KERNEL\((\w+)\)/g)]
      .map((m) => m[1]).sort();
    expect({ family, kernels: registered }).toEqual({ family, kernels: defined });
  }
});

test('selftest: native kernels against host references, scheduler semantics, memory checks', () => {
  const r = spawnSync(selftest, [lib], { encoding: 'utf8', timeout: 60_000 });
  const lines = r.stdout.split('\n');
  const failures = lines.filter((l) => l.startsWith('FAIL'));
  expect({ failures, status: r.status, signal: r.signal, stderr: r.status === 0 ? '' : r.stderr }).toEqual({
    failures: [], status: 0, signal: null, stderr: '',
  });
  expect(lines.filter((l) => l.startsWith('PASS')).length).toBeGreaterThan(40);
  expect(r.stdout).toContain('PASS flint_reduce_f32 var');
  // the device math model and FMA contraction (test/emu/README.md), unless built with the off switch
  if (['1', 'true', 'yes'].includes((process.env.FLINT_EMU_HOST_MATH ?? '').toLowerCase())) {
    expect(r.stdout).toContain('PASS a * b + c in a kernel is not contracted (off switch)');
  } else {
    expect(r.stdout).toContain('PASS a * b + c in a kernel is contracted into one FMA, as nvcc does');
    expect(r.stdout).toContain('PASS flint_emutest_math_f32 tanh: within 2 ulp of the correctly rounded value');
    expect(r.stdout).toContain('PASS flint_emutest_math_f64 exp: the model moves >= 30% of the results');
    expect(r.stdout).toContain('PASS flint_emutest_math_f32: special values, exact and saturated results as CUDA gives them');
  }
  expect(r.stderr).toContain('deadlock in block (0,0,0): 1 thread(s) wait at __syncthreads, 1 at a warp shuffle/sync');
  expect(r.stderr).toContain('__trap() called in block (1,0,0), thread (7,0,0)');
  // code whose answer on x86 is not a GPU's fails the launch where it happens (the kernel's line)
  for (const what of ['an index past the end of a fixed-size array', "a shift by a negative count or by the type's width or more",
    'a float-to-integer conversion out of range', 'an integer division by zero']) {
    expect(r.stderr).toMatch(new RegExp(`flint_emutest_ub: launch failed: ${what} at emutest\\.cu:\\d+ in block \\(0,0,0\\), thread \\(\\d+,0,0\\)`));
  }
  expect(r.stderr).toMatch(/flint_emutest_divergent: launch failed: divergent __syncthreads in block \(0,0,0\): thread \(\d+,0,0\) waits at emutest\.cu:\d+, thread \(\d+,0,0\) at emutest\.cu:\d+$/m);
}, 70_000);

test('FLINT_EMU_GUARD=1: a kernel writing past its allocation faults, and the kernel is named', () => {
  const r = spawnSync(selftest, [lib, 'oob'], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, FLINT_EMU_GUARD: '1' } });
  expect(r.stdout).toContain('in bounds ok');
  expect(r.stdout).not.toContain('was not detected');
  expect(r.signal).toBe('SIGSEGV');
  expect(r.stderr).toMatch(/kernel flint_emutest_write faulted at address 0x[0-9a-f]+ \(4000 bytes past the start of the 4000-byte allocation/);
}, 40_000);

test('FLINT_EMU_ORDER: the threads of a block start and resume forward, reversed or shuffled; shared memory starts poisoned', () => {
  type Out = Record<string, number[][]> & { uninit: string[] };
  const run = (env: Record<string, string>): Out => {
    const r = spawnSync(selftest, [lib, 'order'], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, FLINT_EMU_THREADS: '1', ...env } });
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    const out = { START: [], RESUME: [], RACE: [], BLOCKS: [], uninit: [] } as unknown as Out;
    for (const l of r.stdout.split('\n')) {
      const m = /^(START|RESUME|RACE|BLOCKS) (\d+):((?: -?\d+)+)$/.exec(l);
      if (m) out[m[1]][Number(m[2])] = m[3].trim().split(' ').map(Number);
      if (l.startsWith('UNINIT')) out.uninit.push(l);
    }
    expect(out.START.length).toBe(3);
    return out;
  };
  const n = 64;
  const iota = Array.from({ length: n }, (_, i) => i);
  const isPermutation = (a: number[]) => [...a].sort((x, y) => x - y).every((v, i) => v === i);
  const fwd = run({ FLINT_EMU_ORDER: 'forward' });
  const rev = run({ FLINT_EMU_ORDER: 'reverse' });
  const shuf = run({});  // the default
  const again = run({ FLINT_EMU_ORDER: 'shuffle', FLINT_EMU_SEED: '1' });
  const other = run({ FLINT_EMU_SEED: '2' });
  for (let b = 0; b < 3; b++) {
    expect(fwd.START[b]).toEqual(iota);
    expect(rev.START[b]).toEqual([...iota].reverse());
    for (const o of [fwd, rev, shuf, other]) {
      expect(isPermutation(o.START[b])).toBe(true);
      expect(isPermutation(o.RESUME[b])).toBe(true);
    }
    expect(shuf.START[b]).not.toEqual(iota);
    expect(shuf.START[b]).not.toEqual([...iota].reverse());
    expect(shuf.RESUME[b]).not.toEqual(shuf.START[b]);  // released in a new order, not in arrival order
  }
  expect(shuf.START[1]).not.toEqual(shuf.START[0]);  // each block its own order
  expect(again.START).toEqual(shuf.START);           // the seed (default 1) reproduces it
  expect(again.RESUME).toEqual(shuf.RESUME);
  expect(other.START).not.toEqual(shuf.START);
  // blocks, too (one OS thread runs them all here, so the order is the scheduler's alone)
  const blocks = Array.from({ length: 16 }, (_, i) => i);
  expect(fwd.BLOCKS[0]).toEqual(blocks);
  expect(rev.BLOCKS[0]).toEqual([...blocks].reverse());
  expect(isPermutation(shuf.BLOCKS[0])).toBe(true);
  expect(shuf.BLOCKS[0]).not.toEqual(blocks);
  expect(shuf.BLOCKS[0]).not.toEqual([...blocks].reverse());
  expect(again.BLOCKS).toEqual(shuf.BLOCKS);
  // the race: s[t] = t + 1 then, without a barrier, s[(t + 1) % n]. Forward order reads the
  // neighbour before it wrote (0xFF poison: -1) except thread n-1; reversed, after, except n-1;
  // shuffled, a mixture in each block
  const right = iota.map((t) => ((t + 1) % n) + 1);
  expect(fwd.RACE[0]).toEqual(iota.map((t) => (t === n - 1 ? 1 : -1)));
  expect(rev.RACE[0]).toEqual(iota.map((t) => (t === n - 1 ? -1 : right[t])));
  for (let b = 0; b < 2; b++) {
    const stale = shuf.RACE[b].filter((v) => v === -1).length;
    expect(shuf.RACE[b].every((v, t) => v === -1 || v === right[t])).toBe(true);
    expect(stale).toBeGreaterThan(0);
    expect(stale).toBeLessThan(n);
  }
  // shared memory read before any write in the block: 0xFF bytes in every block, static and dynamic
  expect(shuf.uninit).toEqual(['UNINIT static: 10240 poisoned, 0 zero, 0 seven, of 10240',
    'UNINIT dynamic: 10240 poisoned, 0 zero, 0 seven, of 10240']);
  // without the poison a block finds zeros or the previous block's values (what hid such reads)
  const off = run({ FLINT_EMU_POISON: '0' });
  const m = /UNINIT static: (\d+) poisoned, (\d+) zero, (\d+) seven/.exec(off.uninit[0])!;
  expect(Number(m[1])).toBe(0);
  expect(Number(m[3])).toBeGreaterThan(0);
}, 60_000);

test('FLINT_EMU_EXEC=0 queues device work without running it; FLINT_EMU_STATS counts launches, memsets and copies', () => {
  const stats = path.join(out, `noexec-stats-${process.pid}.json`);
  try {
    const r = spawnSync(selftest, [lib, 'noexec'], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, FLINT_EMU_EXEC: '0', FLINT_EMU_STATS: stats } });
    expect({ status: r.status, stderr: r.stderr, failures: r.stdout.split('\n').filter((l) => l.startsWith('FAIL')) }).toEqual({ status: 0, stderr: '', failures: [] });
    expect(r.stdout.split('\n').filter((l) => l.startsWith('PASS FLINT_EMU_EXEC=0')).length).toBe(3);
    expect(JSON.parse(fs.readFileSync(stats, 'utf8'))).toEqual({
      exec: false,
      launches: { flint_binary_f32: 3 },
      launchTotal: 3,
      transfers: { HtoD: [1, 4096], DtoH: [3, 2 * 4096 + 4], DtoD: [1, 16], memset: [3, 4096 + 4 + (1 << 20)] },
    });
  } finally { fs.rmSync(stats, { force: true }); }
}, 40_000);

test('launch overhead: a one-block launch without barriers costs well under a millisecond', () => {
  const r = spawnSync(selftest, [lib, 'bench'], { encoding: 'utf8', timeout: 60_000 });
  expect(r.status).toBe(0);
  const m = /BENCH flint_binary_f32 add, 1024 elements \(1 block of 256\): ([\d.]+) us/.exec(r.stdout);
  expect(m).not.toBeNull();
  expect(Number(m![1])).toBeLessThan(500);
}, 70_000);
