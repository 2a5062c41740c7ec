// distributed-nccl.test.ts — the NCCL/RCCL engine (lib/distributed/nccl.ts, native/gpu/nccl_*.cpp).
//
// 1. Everywhere (CPU too): the library search, in child processes whose C environment points it at
//    fake libnccl.so.2 files compiled from test/fixtures/fake_libnccl.c into temp folders laid out
//    like FLINT_CUDA_LIBS folders and a virtualenv with pip's nvidia/nccl/lib; and doctor's lines.
// 2. On a GPU (FLINT_TEST_DEVICE=cuda): a world of one rank through the engine, every collective and
//    dtype against the values it must give. Which library the run must find:
//      FLINT_TEST_NCCL=fake  the fake (scripts/test-emu.js's NCCL pass on the CUDA emulator): also the
//                            wiring — the fake's call log (functions, types, reductions, the stream),
//                            the stream order (a delayed collective must still be waited for), the
//                            allocator blocks kept until the collective is done, and the watchdog
//                            (a hung collective, an asynchronous error, a rank that never joins);
//      FLINT_TEST_NCCL=1, or a folder of FLINT_CUDA_LIBS holding libnccl.so.2 / librccl.so.1 (the GPU
//                            host's `npm run test:gpu` points FLINT_CUDA_LIBS at PyTorch's nvidia/*/lib,
//                            which has nvidia/nccl/lib): a real library must be found — a run that
//                            does not find it FAILS here, it is never skipped;
//      otherwise             none is expected: when none is found, the engine's start must fail with
//                            BackendUnavailableError naming libnccl.so.2; when one is found anyway
//                            (the loader path), the world-1 tests run on it.
import { execFileSync, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import * as fl from '../lib';
import { DistributedError } from '../lib/errors';
import type { EngineInit } from '../lib/distributed/engine';
import type { Store } from '../lib/distributed/store';
import { createNcclEngine, ncclInfo, type CollectiveLibraryInfo, type NcclEngine } from '../lib/distributed/nccl';
import { allGatherSync, allReduceSync } from '../lib/distributed/group';
import { assertDistFresh } from './dist';
import { DEVICE } from './helpers';

const root = path.resolve(__dirname, '..');
const fixture = path.join(__dirname, 'fixtures', 'fake_libnccl.c');
const addon = path.resolve(root, process.env.FLINT_ADDON_PATH ?? path.join('build', 'Release', 'flintml.node'));

function compile(dir: string, defines: string[] = [], source = fixture, file = 'libnccl.so.2'): string {
  fs.mkdirSync(dir, { recursive: true });
  const out = path.join(dir, file);
  execFileSync('gcc', ['-shared', '-fPIC', '-O1', ...defines, '-o', out, source, '-lpthread']);
  return out;
}

/** ncclInfo() of a fresh process (the search runs once per process) with `env` as its environment. */
function searchIn(env: Record<string, string | undefined>): CollectiveLibraryInfo {
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, FLINT_BACKEND: 'cpu', ...env })) if (v !== undefined) childEnv[k] = v;
  const r = spawnSync(process.execPath, ['-e', `process.stdout.write(JSON.stringify(require(${JSON.stringify(addon)}).ncclInfo()))`],
    { env: childEnv, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`ncclInfo child failed (${String(r.status)}): ${r.stderr}`);
  return JSON.parse(r.stdout) as CollectiveLibraryInfo;
}

function hostHasNccl(): boolean {
  let cache = '';
  try { cache = execFileSync('/sbin/ldconfig', ['-p'], { encoding: 'utf8' }); } catch { /* none */ }
  return /libnccl\.so\.2/.test(cache) || (process.env.LD_LIBRARY_PATH ?? '').split(':').some((d) => d && fs.existsSync(path.join(d, 'libnccl.so.2')));
}

describe('NCCL library search (fake libraries, child processes)', () => {
  let tmp = '';
  const dirs: Record<string, string> = {};
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-fake-nccl-'));
    dirs.a = path.join(tmp, 'a');
    compile(dirs.a);
    dirs.old = path.join(tmp, 'old');
    compile(dirs.old, ['-DFAKE_NCCL_VERSION=20903']);
    dirs.v28 = path.join(tmp, 'v2.8');
    compile(dirs.v28, ['-DFAKE_NCCL_VERSION=2804']);  // NCCL_VERSION's encoding before 2.9: X*1000+Y*100+Z
    dirs.tooOld = path.join(tmp, 'too-old');
    compile(dirs.tooOld, ['-DFAKE_NCCL_VERSION=2604']);
    dirs.partial = path.join(tmp, 'partial');
    const partial = path.join(tmp, 'partial.c');
    fs.writeFileSync(partial, 'int ncclGetVersion(int* v) { *v = 22105; return 0; }\n');
    compile(dirs.partial, [], partial);
    dirs.venv = path.join(tmp, 'venv');
    dirs.venvLib = path.join(dirs.venv, 'lib', 'python3.12', 'site-packages', 'nvidia', 'nccl', 'lib');
    compile(dirs.venvLib);
    fs.mkdirSync(path.join(tmp, 'home'));
    fs.mkdirSync(path.join(tmp, 'emptybin'));
  });
  afterAll(() => { if (tmp) fs.rmSync(tmp, { recursive: true, force: true }); });

  const isolated = (extra: Record<string, string | undefined>): Record<string, string | undefined> => ({
    FLINT_CUDA_LIBS: undefined, VIRTUAL_ENV: undefined, CONDA_PREFIX: undefined, CUDA_HOME: undefined, CUDA_PATH: undefined,
    HOME: path.join(tmp, 'home'), PATH: path.join(tmp, 'emptybin'), ...extra,
  });

  test('FLINT_CUDA_LIBS first: the file, its version and what it can do', () => {
    const info = searchIn(isolated({ FLINT_CUDA_LIBS: dirs.a }));
    expect(info.found).toBe(true);
    expect(info.name).toBe('NCCL');
    expect(fs.realpathSync(info.path)).toBe(fs.realpathSync(path.join(dirs.a, 'libnccl.so.2')));
    expect(info.version).toBe('2.21.5');
    expect(info.versionCode).toBe(22105);
    expect(info.avg).toBe(true);
    expect(info.bfloat16).toBe(true);
    expect(info.reason).toBe('');
    expect(info.searchLog[info.searchLog.length - 1]).toMatch(
      new RegExp(`^NCCL: FLINT_CUDA_LIBS: ${path.join(dirs.a, 'libnccl.so.2').replace(/\./g, '\\.')}: loaded from .* \\(NCCL 2\\.21\\.5, 16 symbols resolved\\)$`));
  });

  test('every folder is logged in order: missing, lacking entry points, too old, then found (2.9: no avg, no bfloat16)', () => {
    const missing = path.join(tmp, 'nope');
    const info = searchIn(isolated({ FLINT_CUDA_LIBS: `${missing}:${dirs.partial}:${dirs.tooOld}:${dirs.old}` }));
    expect(info.found).toBe(true);
    expect(info.version).toBe('2.9.3');
    expect(info.avg).toBe(false);
    expect(info.bfloat16).toBe(false);
    const log = info.searchLog.join('\n');
    expect(log).toContain(`NCCL: FLINT_CUDA_LIBS: ${missing}: no such folder`);
    expect(log).toMatch(/partial\/libnccl\.so\.2: loaded from .*, but it lacks ncclGetUniqueId, ncclCommInitRank, .*ncclGroupEnd; skipped/);
    expect(log).toContain(`${path.join(dirs.tooOld, 'libnccl.so.2')}: loaded from ${path.join(dirs.tooOld, 'libnccl.so.2')}, but its version 2.6.4 is older than 2.7 (no ncclSend/ncclRecv); skipped`);
    expect(info.searchLog[info.searchLog.length - 1]).toContain("(NCCL 2.9.3, 16 symbols resolved; before 2.10: no 'avg' reduction and no bfloat16)");
    expect(log.indexOf(missing)).toBeLessThan(log.indexOf(dirs.partial));
    expect(log.indexOf(dirs.partial)).toBeLessThan(log.indexOf(dirs.tooOld));
  });

  test('NCCL 2.7 and 2.8 report their version in the old encoding (2.8.4: 2804), and are accepted', () => {
    const info = searchIn(isolated({ FLINT_CUDA_LIBS: `${dirs.tooOld}:${dirs.v28}` }));
    expect(info.found).toBe(true);
    expect(info.version).toBe('2.8.4');
    expect(info.versionCode).toBe(2804);
    expect([info.avg, info.bfloat16]).toEqual([false, false]);
    expect(info.searchLog.join('\n')).toContain('its version 2.6.4 is older than 2.7');
  });

  test("then the loader path, then a virtualenv's nvidia/nccl/lib (pip's nvidia-nccl wheel)", () => {
    const info = searchIn(isolated({ VIRTUAL_ENV: dirs.venv }));
    const log = info.searchLog.join('\n');
    expect(log).toContain('FLINT_CUDA_LIBS not set');
    if (hostHasNccl()) return;  // a real NCCL on the loader path is found before the virtualenv
    expect(log).toContain('NCCL: loader path: libnccl.so.2: not found (');
    expect(info.found).toBe(true);
    expect(fs.realpathSync(info.path)).toBe(fs.realpathSync(path.join(dirs.venvLib, 'libnccl.so.2')));
    expect(log.indexOf('loader path')).toBeLessThan(log.indexOf('python:'));
  });

  test('nothing found: the reason says what to install or set', () => {
    if (hostHasNccl()) return;  // the loader path has one: "not found" cannot be produced on this host
    const info = searchIn(isolated({}));
    expect(info.found).toBe(false);
    expect(info.reason).toBe('NCCL: libnccl.so.2 not found (set FLINT_CUDA_LIBS to its folder, or `pip install nvidia-nccl-cu12`)');
    expect(info.searchLog[info.searchLog.length - 1]).toBe(info.reason);
    expect(info.searchLog.join('\n')).toContain('NCCL: toolkit: /usr/local/cuda/lib64');
  });

  test('an AMD host (the HIP runtime chosen): RCCL, librccl.so.1, in FLINT_CUDA_LIBS or $ROCM_PATH/lib', () => {
    const hip = path.join(tmp, 'hip');
    compile(hip, [], path.join(__dirname, 'fixtures', 'fake_libamdhip64.c'), 'libamdhip64.so.6');
    const rccl = path.join(tmp, 'rccl');
    compile(rccl, [], fixture, 'librccl.so.1');
    const rocm = path.join(tmp, 'rocm');
    compile(path.join(rocm, 'lib'), [], fixture, 'librccl.so.1');
    const amd = { FLINT_BACKEND: 'hip', LD_LIBRARY_PATH: hip };
    const info = searchIn(isolated({ ...amd, FLINT_CUDA_LIBS: rccl }));
    expect([info.found, info.name, info.version]).toEqual([true, 'RCCL', '2.21.5']);
    expect(info.searchLog[info.searchLog.length - 1]).toMatch(/^RCCL: FLINT_CUDA_LIBS: .*rccl\/librccl\.so\.1: loaded from .* \(RCCL 2\.21\.5, 16 symbols resolved\)$/);
    if (/librccl\.so\.1/.test(execFileSync('/sbin/ldconfig', ['-p'], { encoding: 'utf8' }))) return;  // the loader path has a real one first
    const viaRocm = searchIn(isolated({ ...amd, ROCM_PATH: rocm }));
    expect(fs.realpathSync(viaRocm.path)).toBe(fs.realpathSync(path.join(rocm, 'lib', 'librccl.so.1')));
    expect(viaRocm.searchLog.join('\n')).toContain('RCCL: loader path: librccl.so.1: not found (');
    const none = searchIn(isolated({ ...amd, ROCM_PATH: path.join(tmp, 'nope') }));
    expect(none.reason).toBe('RCCL: librccl.so.1 not found (set FLINT_CUDA_LIBS to its folder, or install RCCL with ROCm)');
  });

  test('doctor prints the engine, its version and the search', () => {
    assertDistFresh();
    const cli = path.join(root, 'dist', 'cli.js');
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...process.env, FLINT_BACKEND: 'cpu', FLINT_CUDA_LIBS: dirs.a })) if (v !== undefined) env[k] = v;
    const r = spawnSync(process.execPath, [cli, 'doctor'], { env, encoding: 'utf8', timeout: 60_000 });
    expect(r.stdout).toContain(`distributed: nccl: NCCL 2.21.5 (${path.join(dirs.a, 'libnccl.so.2')})`);
    expect(r.stdout).toMatch(/\n {2}NCCL search: NCCL: FLINT_CUDA_LIBS: .*libnccl\.so\.2: loaded from /);
    env.FLINT_CUDA_LIBS = dirs.old;
    const old = spawnSync(process.execPath, [cli, 'doctor'], { env, encoding: 'utf8', timeout: 60_000 });
    expect(old.stdout).toContain('distributed: nccl: NCCL 2.9.3 (');
    expect(old.stdout).toContain('; before 2.10: avg runs as sum then a division, no bfloat16');
  });
});

// ---- on the GPU ---------------------------------------------------------------------------------

const onGpu = DEVICE !== 'cpu';
const mode = process.env.FLINT_TEST_NCCL ?? '';
const libsHaveNccl = (process.env.FLINT_CUDA_LIBS ?? '').split(':').some((d) => d && (fs.existsSync(path.join(d, 'libnccl.so.2')) || fs.existsSync(path.join(d, 'librccl.so.1'))));
const expectNccl = mode === 'fake' || mode === '1' || libsHaveNccl;
const gpuInfo: CollectiveLibraryInfo | null = onGpu ? ncclInfo() : null;
const runWorld1 = onGpu && (expectNccl || gpuInfo!.found);
const fake = onGpu && mode === 'fake';

/** The blocks that exist for this run's device and library (as test/cuda-graphs.test.ts's if/else: not skipped, absent). */
function describeWhen(cond: boolean): (name: string, fn: () => void) => void {
  return cond ? describe : () => undefined;
}

describeWhen(!onGpu)('NCCL without a GPU', () => {
  test('the engine needs a GPU device', async () => {
    const init: EngineInit = { rank: 0, worldSize: 1, localRank: 0, store: new MemoryStore(), timeoutMs: 1000, device: 'cpu' };
    await expect(createNcclEngine(init)).rejects.toThrow(fl.DeviceError);
    await expect(createNcclEngine(init)).rejects.toThrow("initProcessGroup: the nccl backend needs a GPU device, got 'cpu'");
  });
});

/** A store for one process (the engine's rendezvous; the group gives a TCPStore). */
class MemoryStore implements Store {
  private readonly data = new Map<string, Uint8Array>();
  async set(key: string, value: Uint8Array): Promise<void> { this.data.set(key, value); }
  async get(key: string, timeoutMs: number): Promise<Uint8Array> {
    const v = this.data.get(key);
    if (!v) throw new DistributedError(`get('${key}'): not set within ${String(timeoutMs)} ms`);
    return v;
  }
  async add(key: string, n: number): Promise<number> {
    const v = Number(new TextDecoder().decode(this.data.get(key) ?? new Uint8Array())) + n;
    this.data.set(key, new TextEncoder().encode(String(v)));
    return v;
  }
  async close(): Promise<void> { /* nothing */ }
}

function world1(timeoutMs = 60_000): Promise<NcclEngine> {
  const init: EngineInit = { rank: 0, worldSize: 1, localRank: 0, store: new MemoryStore(), timeoutMs, device: 'cuda:0' };
  return createNcclEngine(init);
}

describeWhen(onGpu)('NCCL on the GPU: which library', () => {
  test(expectNccl ? 'a library is found (this run requires one)' : 'none required: found, or the engine refuses to start with the reason', async () => {
    if (expectNccl) {
      expect({ found: gpuInfo!.found, reason: gpuInfo!.reason }).toEqual({ found: true, reason: '' });
      if (fake) expect(gpuInfo!.version).toBe('2.21.5');
      return;
    }
    if (gpuInfo!.found) return;  // the loader path had one: the world-1 tests below run on it
    await expect(world1()).rejects.toThrow(fl.BackendUnavailableError);
    await expect(world1()).rejects.toThrow(/libnccl\.so\.2 not found|librccl\.so\.1 not found/);
  });
});

const DTYPES: fl.DType[] = ['float32', 'float16', 'bfloat16', 'float64', 'int32'];
const OPS = ['sum', 'avg', 'max', 'min', 'prod'] as const;
const NCCL_TYPE: Record<string, number> = { float32: 7, float16: 6, bfloat16: 9, float64: 8, int32: 2 };
const NCCL_OP: Record<string, number> = { sum: 0, prod: 1, max: 2, min: 3, avg: 4 };

/** Values exact in every dtype (small integers and halves), different per seed. */
function values(n: number, seed: number): number[] {
  return Array.from({ length: n }, (_, i) => ((i * 7 + seed * 3) % 23) - 11 + (i % 2 ? 0.5 : 0));
}
function asDtype(v: number[], dtype: fl.DType): number[] { return dtype === 'int32' ? v.map((x) => Math.trunc(x) + 0) : v; }  // + 0: no -0

describeWhen(runWorld1)('NCCL, a world of one rank', () => {
  let engine: NcclEngine;
  beforeAll(async () => { engine = await world1(); }, 60_000);
  afterAll(async () => { if (engine) await engine.destroy(); }, 60_000);

  test('the engine: name, rank, world size', () => {
    expect(engine.name).toBe(gpuInfo!.name === 'RCCL' ? 'rccl' : 'nccl');
    expect(engine.rank).toBe(0);
    expect(engine.worldSize).toBe(1);
  });

  for (const dtype of DTYPES) {
    test(`${dtype}: allReduce (every reduction), broadcast, allGather, reduceScatter give one rank's values`, async () => {
      if (dtype === 'bfloat16' && !gpuInfo!.bfloat16) {
        const t = fl.zeros([3], { dtype, device: DEVICE });
        try { await expect(engine.allReduce(t, 'sum')).rejects.toThrow(fl.DTypeError); } finally { t.dispose(); }
        return;
      }
      const v = asDtype(values(37, 1), dtype);
      for (const op of OPS) {
        const t = fl.tensor(v, { dtype, device: DEVICE });
        try {
          if (op === 'avg' && dtype === 'int32') {
            await expect(engine.allReduce(t, op)).rejects.toThrow(/'avg' needs a floating-point tensor/);
            continue;
          }
          await engine.allReduce(t, op);
          expect(Array.from(t.dataSync() as ArrayLike<number>)).toEqual(v);
        } finally {
          t.dispose();
        }
      }
      const flat = fl.tensor(v, { dtype, device: DEVICE });
      const b = flat.reshape(37, 1);
      const outs = [fl.zeros([37, 1], { dtype, device: DEVICE })];
      const rsOut = fl.zeros([37], { dtype, device: DEVICE });
      try {
        await engine.broadcast(b, 0);
        expect(Array.from(b.dataSync() as ArrayLike<number>)).toEqual(v);
        await engine.allGather(outs, b);
        expect(Array.from(outs[0].dataSync() as ArrayLike<number>)).toEqual(v);
        await engine.reduceScatter(rsOut, [flat], 'sum');
        expect(Array.from(rsOut.dataSync() as ArrayLike<number>)).toEqual(v);
      } finally {
        flat.dispose(); b.dispose(); outs[0].dispose(); rsOut.dispose();
      }
    }, 60_000);
  }

  test('barrier and synchronize wait for the work; send/recv to itself and a bad root are refused', async () => {
    await engine.barrier();
    const t = fl.ones([4], { device: DEVICE });
    try {
      await expect(engine.send(t, 0)).rejects.toThrow(/dst 0 is this rank itself/);
      await expect(engine.recv(t, 0)).rejects.toThrow(/src 0 is this rank itself/);
      await expect(engine.send(t, 1)).rejects.toThrow(/dst 1 is not a rank of this world of 1/);
      await expect(engine.broadcast(t, 1)).rejects.toThrow(/src 1 is not a rank/);
      await expect(engine.allGather([t, t], t)).rejects.toThrow(/expected 1 output tensors, got 2/);
    } finally {
      t.dispose();
    }
  });

  test('a CPU tensor or a uint8 tensor is refused with a typed error', async () => {
    const c = fl.ones([2]);
    const u = fl.ones([2], { dtype: 'uint8', device: DEVICE });
    try {
      await expect(engine.allReduce(c, 'sum')).rejects.toThrow(fl.DeviceError);
      await expect(engine.allReduce(u, 'sum')).rejects.toThrow(fl.DTypeError);
    } finally {
      c.dispose(); u.dispose();
    }
  });
});

// ---- the wiring, against the fake's log and control file ----------------------------------------

describeWhen(fake)('NCCL wiring (fake libnccl.so.2 on the emulated GPU)', () => {
  const dir = fake ? path.dirname(gpuInfo!.path) : '';
  const ctl = path.join(dir, `fake_nccl.${String(process.pid)}.ctl`);
  const logFile = path.join(dir, `fake_nccl.${String(process.pid)}.log`);
  const control = (text: string): void => fs.writeFileSync(ctl, text);
  const log = (): string[] => fs.readFileSync(logFile, 'utf8').split('\n').filter((l) => l);
  beforeEach(() => { fs.writeFileSync(logFile, ''); control(''); });
  afterAll(() => { fs.rmSync(ctl, { force: true }); fs.rmSync(logFile, { force: true }); });

  test('init: the unique id of rank 0 reaches ncclCommInitRank; the calls carry the types, reductions and one stream', async () => {
    const e = await world1();
    try {
      const t = fl.tensor([1, 2, 3], { dtype: 'float32', device: DEVICE });
      const h = fl.tensor([1, 2, 3], { dtype: 'float16', device: DEVICE });
      const i = fl.tensor([1, 2, 3], { dtype: 'int32', device: DEVICE });
      try {
        await e.allReduce(t, 'max');
        await e.allReduce(h, 'avg');
        await e.allReduce(i, 'prod');
        await e.broadcast(t, 0);
      } finally {
        t.dispose(); h.dispose(); i.dispose();
      }
    } finally {
      await e.destroy();
    }
    const lines = log();
    expect(lines[0]).toBe('ncclGetUniqueId');
    expect(lines[1]).toMatch(new RegExp(`^ncclCommInitRank nranks=1 rank=0 id=fake-nccl-id pid ${String(process.pid)} #\\d+$`));
    const calls = lines.filter((l) => /^nccl(AllReduce|Broadcast)/.test(l));
    expect(calls.map((l) => l.replace(/ (send|recv|comm|stream)=\S+/g, ''))).toEqual([
      `ncclAllReduce count=3 type=${String(NCCL_TYPE.float32)} op=${String(NCCL_OP.max)}`,
      `ncclAllReduce count=3 type=${String(NCCL_TYPE.float16)} op=${String(NCCL_OP.avg)}`,
      `ncclAllReduce count=3 type=${String(NCCL_TYPE.int32)} op=${String(NCCL_OP.prod)}`,
      `ncclBroadcast count=3 type=${String(NCCL_TYPE.float32)} root=0`,
    ]);
    // in place: send and recv are the tensor; every call on the same, non-default stream and communicator
    for (const l of calls) expect(/send=(\S+)/.exec(l)![1]).toBe(/recv=(\S+)/.exec(l)![1]);
    const streams = new Set(calls.map((l) => /stream=(\S+)/.exec(l)![1]));
    expect(streams.size).toBe(1);
    expect([...streams][0]).not.toMatch(/^(\(nil\)|0x0)$/);
    expect(new Set(calls.map((l) => /comm=(\S+)/.exec(l)![1])).size).toBe(1);
    expect(lines[lines.length - 1]).toMatch(/^ncclCommDestroy comm=/);
  });

  test('every dtype maps to its NCCL type; allGather/reduceScatter count per rank', async () => {
    const e = await world1();
    try {
      for (const dtype of DTYPES) {
        const t = fl.zeros([5], { dtype, device: DEVICE });
        const o = fl.zeros([5], { dtype, device: DEVICE });
        try {
          await e.allGather([o], t);
          await e.reduceScatter(o, [t], 'min');
        } finally {
          t.dispose(); o.dispose();
        }
      }
    } finally {
      await e.destroy();
    }
    const calls = log().filter((l) => /^nccl(AllGather|ReduceScatter)/.test(l)).map((l) => l.replace(/ (send|recv|comm|stream)=\S+/g, ''));
    expect(calls).toEqual(DTYPES.flatMap((d) => [`ncclAllGather count=5 type=${String(NCCL_TYPE[d])}`, `ncclReduceScatter count=5 type=${String(NCCL_TYPE[d])} op=3`]));
  });

  test('stream order: a delayed collective waits for its input\'s producers, the compute stream waits for it, and its blocks are kept', async () => {
    const e = await world1();
    control('delay_ms=150\n');
    const n = 3001;  // a size no other test uses: the allocator would hand y's block to z at once
    try {
      const v = values(n, 2);
      const x = fl.tensor(v, { dtype: 'float32', device: DEVICE });
      const out = fl.zeros([n], { device: DEVICE });
      try {
        const y = x.mul(3);  // produced by a kernel on the compute stream just before the collective
        const pending = e.allGather([out], y);  // queued now (the call submits before it awaits)
        y.dispose();
        // without recordStream on the communication stream, z would get y's block and overwrite it
        // (its fill runs on the compute stream, which waits for the collective only once it is queued)
        const z = fl.full([n], 7, { device: DEVICE });
        await pending;
        const got = Array.from(out.dataSync());
        z.dispose();
        expect(got).toEqual(v.map((a) => a * 3));
      } finally {
        x.dispose(); out.dispose();
      }
    } finally {
      control('');
      await e.destroy();
    }
  }, 60_000);

  test('a collective that hangs: synchronize() rejects after timeoutMs, the communicator is aborted, later calls reject', async () => {
    const e = await world1(400);
    const t = fl.tensor([1, 2], { dtype: 'float32', device: DEVICE });
    try {
      control('hang=collective\n');
      await e.allReduce(t, 'sum');  // queued: it resolves; the watchdog sees it never finish
      await expect(e.barrier()).rejects.toThrow(/ncclAllReduce did not complete within 400 ms .*the communicator was aborted/);
      expect(log().some((l) => l.startsWith('ncclCommAbort comm='))).toBe(true);
      control('');
      await expect(e.allReduce(t, 'sum')).rejects.toThrow(DistributedError);
      // the abort let the stream go on: the compute stream is usable
      expect(Array.from(t.dataSync())).toEqual([1, 2]);
    } finally {
      control('');
      t.dispose();
      await e.destroy();
    }
  }, 60_000);

  test("abort() (the group's timeout): the waiting and later calls reject with the reason, destroy() resolves, the GPU goes on", async () => {
    const e = await world1();
    const t = fl.tensor([1, 2], { dtype: 'float32', device: DEVICE });
    try {
      control('hang=collective\n');
      await e.allReduce(t, 'sum');
      const waiting = e.synchronize();
      e.abort('allReduce timed out after 5 ms');
      e.abort('a second abort changes nothing');
      await expect(waiting).rejects.toThrow(new DistributedError('allReduce timed out after 5 ms'));
      await expect(e.allReduce(t, 'sum')).rejects.toThrow('allReduce timed out after 5 ms');
      await e.destroy();
      expect(Array.from(t.dataSync())).toEqual([1, 2]);  // ncclCommAbort (a helper thread) ended the hung collective
      expect(log().filter((l) => l.startsWith('ncclCommAbort comm='))).toHaveLength(1);
    } finally {
      control('');
      t.dispose();
    }
  }, 60_000);

  test("an asynchronous error (a peer died) rejects the pending wait with NCCL's message", async () => {
    const e = await world1(60_000);
    const t = fl.tensor([1, 2], { dtype: 'float32', device: DEVICE });
    try {
      control('async_error=1\n');
      await e.allReduce(t, 'sum');
      const err = await e.synchronize().then(() => null, (x: unknown) => x as Error);
      expect(err).toBeInstanceOf(DistributedError);
      expect(err!.message).toMatch(/^ncclAllReduce: asynchronous NCCL error: remote process exited or there was a network error \(NCCL result 6\): fake NCCL: injected remote error .*; the communicator was aborted$/);
    } finally {
      control('');
      t.dispose();
      await e.destroy();
    }
  }, 60_000);

  test('the blocking forms (SyncBatchNorm\'s): the same collectives on the same stream, after the input\'s producers, the compute stream waiting for them', async () => {
    const e = await world1();
    const n = 3003;  // a size no other test uses
    try {
      const v = values(n, 3);
      const x = fl.tensor(v, { dtype: 'float32', device: DEVICE });
      const out = fl.zeros([n], { device: DEVICE });
      const h = fl.tensor([1, 2, 3], { dtype: 'float16', device: DEVICE });
      try {
        await e.allReduce(h, 'max');  // an asynchronous call first: the blocking ones queue behind it, on its stream
        control('delay_ms=150\n');
        const y = x.mul(3);  // produced by a kernel just before the collective
        // the gathered buffer is copied into `out` on the compute stream: read before the delayed
        // collective wrote it, `out` would not hold 3·v
        expect(e.allGatherSync!([out], y, 60_000)).toBe(true);
        expect(e.allReduceSync!(y, 'sum', 60_000)).toBe(true);
        const got = Array.from(out.dataSync());
        expect(got).toEqual(v.map((a) => a * 3));
        expect(Array.from(y.dataSync())).toEqual(v.map((a) => a * 3));
        y.dispose();
      } finally {
        control('');
        x.dispose(); out.dispose(); h.dispose();
      }
    } finally {
      await e.destroy();
    }
    const calls = log().filter((l) => /^nccl(AllReduce|AllGather)/.test(l));
    expect(calls.map((l) => l.replace(/ (send|recv|comm|stream)=\S+/g, ''))).toEqual([
      `ncclAllReduce count=3 type=${String(NCCL_TYPE.float16)} op=${String(NCCL_OP.max)}`,
      `ncclAllGather count=${String(n)} type=${String(NCCL_TYPE.float32)}`,
      `ncclAllReduce count=${String(n)} type=${String(NCCL_TYPE.float32)} op=${String(NCCL_OP.sum)}`,
    ]);
    expect(new Set(calls.map((l) => /stream=(\S+)/.exec(l)![1])).size).toBe(1);
    expect(new Set(calls.map((l) => /comm=(\S+)/.exec(l)![1])).size).toBe(1);
  }, 60_000);

  test('the blocking forms return once the collective is queued, not when it has run: a hung collective is the watchdog\'s', async () => {
    const e = await world1(400);
    const t = fl.tensor([1, 2], { dtype: 'float32', device: DEVICE });
    try {
      control('hang=collective\n');
      expect(e.allReduceSync!(t, 'sum', 60_000)).toBe(true);  // queued; it never runs to its end
      await expect(e.synchronize()).rejects.toThrow(/ncclAllReduce did not complete within 400 ms .*the communicator was aborted/);
      control('');
      expect(() => e.allReduceSync!(t, 'sum', 60_000)).toThrow(DistributedError);
      expect(() => e.allGatherSync!([t], t, 60_000)).toThrow(/ncclAllReduce did not complete within 400 ms/);
    } finally {
      control('');
      t.dispose();
      await e.destroy();
    }
  }, 60_000);

  test('a blocking call whose enqueue never returns (a peer that never answers): false at its deadline; abort() frees the thread', async () => {
    const e = await world1();
    const t = fl.tensor([1, 2], { dtype: 'float32', device: DEVICE });
    const o = fl.zeros([2], { device: DEVICE });
    try {
      control('hang=enqueue\n');
      expect(e.allReduceSync!(t, 'sum', 300)).toBe(false);
      e.abort('allReduce timed out after 300 ms');  // what the group does next
      control('');
      expect(() => e.allGatherSync!([o], t, 60_000)).toThrow(new DistributedError('allReduce timed out after 300 ms'));
      await e.destroy();
      expect(Array.from(t.dataSync())).toEqual([1, 2]);  // the GPU goes on
      expect(log().filter((l) => l.startsWith('ncclCommAbort comm='))).toHaveLength(1);
    } finally {
      control('');
      t.dispose(); o.dispose();
    }
  }, 60_000);

  test('a rank that never joins: the start fails after timeoutMs', async () => {
    control('hang=init\n');
    try {
      await expect(world1(300)).rejects.toThrow(/NCCL did not start within 300 ms \(rank 0 of 1: a rank never joined\)/);
    } finally {
      control('');
    }
  }, 60_000);

  test('a call NCCL refuses (invalid argument) fails alone; a system error fails the communicator', async () => {
    const e = await world1();
    const t = fl.tensor([1, 2], { dtype: 'float32', device: DEVICE });
    try {
      control('fail=4\n');
      await expect(e.allReduce(t, 'sum')).rejects.toThrow(/^ncclAllReduce failed: invalid argument .*\(NCCL result 4\)$/);
      control('');
      await e.allReduce(t, 'sum');
      await e.synchronize();
      control('fail=2\n');
      await expect(e.allReduce(t, 'sum')).rejects.toThrow(/ncclAllReduce failed: unhandled system error/);
      control('');
      await expect(e.barrier()).rejects.toThrow(/ncclAllReduce failed: unhandled system error/);
    } finally {
      control('');
      t.dispose();
      await e.destroy();
    }
  }, 60_000);
});

// ---- a world of two processes on the emulator (the fake passes the buffers through files) --------

const CHILD = `
const root = process.env.FLINT_TEST_ROOT;
const fl = require(root + '/dist/index.js');
const { createNcclEngine } = require(root + '/dist/distributed/nccl.js');
const { TCPStore } = require(root + '/dist/distributed/store.js');
const rank = Number(process.env.RANK);
const vals = (dtype, n, seed) => Array.from({ length: n }, (_, i) => dtype === 'int32' ? (i + 1) * (rank + seed) - 3 : ((i + 1) * (rank + seed)) / 2 - 1.5);
(async () => {
  const timeoutMs = Number(process.env.TIMEOUT_MS);
  const store = await TCPStore.create({ host: '127.0.0.1', port: Number(process.env.MASTER_PORT), isServer: rank === 0, timeoutMs: 30000 });
  const e = await createNcclEngine({ rank, worldSize: 2, localRank: 0, store, timeoutMs, device: 'cuda:0' });
  const out = {};
  if (process.env.SCENARIO === 'ddp') {  // DistributedDataParallel over the group, on the GPU
    const d = fl.distributed;
    await e.destroy();  // the group makes its own communicator
    await store.close();
    process.env.WORLD_SIZE = '2';
    process.env.MASTER_PORT = process.env.GROUP_PORT;
    await d.initProcessGroup({ backend: 'nccl', timeoutMs: 60000 });
    fl.manualSeed(rank === 0 ? 0 : 1234);  // rank 1 starts elsewhere: the broadcast must fix it
    const net = new fl.nn.Sequential(new fl.nn.Linear(4, 8), new fl.nn.Tanh(), new fl.nn.Linear(8, 3), new fl.nn.Tanh(), new fl.nn.Linear(3, 1)).to('cuda');
    const model = new fl.nn.parallel.DistributedDataParallel(net, { deviceIds: [0], bucketCapMb: 0.0001 });
    await model.ready();
    const X = fl.tensor(JSON.parse(process.env.DDP_X), { device: 'cuda' }), Y = fl.tensor(JSON.parse(process.env.DDP_Y), { device: 'cuda' });
    const xs = X.narrow(0, 4 * rank, 4), ys = Y.narrow(0, 4 * rank, 4);
    const opt = new fl.optim.SGD(model.parameters(), { lr: 0.1 });
    for (let s = 0; s < 10; s++) {
      opt.zeroGrad();
      fl.scope(() => fl.nn.functional.mseLoss(model.forward(xs), ys).backward());
      await model.waitForGradients();
      opt.step();
    }
    out.params = model.module.parameters().map((p) => Array.from(p.dataSync()));
    out.buckets = model._buckets.length;
    await d.destroyProcessGroup();
    process.stdout.write(JSON.stringify(out));
    return;
  }
  if (process.env.SCENARIO === 'syncbn') {  // SyncBatchNorm over the group, on the GPU: rank 0 has 2 rows, rank 1 has 3
    const d = fl.distributed;
    await e.destroy();
    await store.close();
    process.env.WORLD_SIZE = '2';
    process.env.MASTER_PORT = process.env.GROUP_PORT;
    await d.initProcessGroup({ backend: 'nccl', timeoutMs: 60000 });
    const rows = rank === 0 ? 2 : 3, first = rank === 0 ? 0 : 2;
    const idx = Array.from({ length: rows * 12 }, (_, i) => first * 12 + i);
    const m = new fl.nn.SyncBatchNorm(3, { momentum: 0.3, dtype: 'float64', device: 'cuda' });
    fl.noGrad(() => { m.weight.copy_(fl.tensor([0.5, 0.8, 1.1], { dtype: 'float64', device: 'cuda' })); m.bias.copy_(fl.tensor([-0.2, -0.1, 0], { dtype: 'float64', device: 'cuda' })); });
    const x = fl.tensor(idx.map((k) => Math.sin(0.37 * k) * (1 + (k % 3))), { dtype: 'float64', device: 'cuda' }).reshape([rows, 3, 4]).requiresGrad_();
    const w = fl.tensor(idx.map((k) => Math.cos(0.29 * k)), { dtype: 'float64', device: 'cuda' }).reshape([rows, 3, 4]);
    const y = m.forward(x);
    y.mul(w).sum().backward();
    const list = (t) => Array.from(t.dataSync());
    Object.assign(out, { x: list(x), w: list(w), y: list(y), dx: list(x.grad), dweight: list(m.weight.grad), dbias: list(m.bias.grad), runningMean: list(m.runningMean), runningVar: list(m.runningVar) });
    await d.destroyProcessGroup();
    process.stdout.write(JSON.stringify(out));
    return;
  }
  if (process.env.SCENARIO === 'old') {  // NCCL 2.9: no ncclAvg, no ncclBfloat16
    const t = fl.tensor(vals('float32', 5, 1), { dtype: 'float32', device: 'cuda' });
    await e.allReduce(t, 'avg');
    out['float32 allReduce avg'] = Array.from(t.dataSync());
    const rs = fl.zeros([2], { dtype: 'float32', device: 'cuda' });
    await e.reduceScatter(rs, [fl.tensor(vals('float32', 2, 4), { dtype: 'float32', device: 'cuda' }), fl.tensor(vals('float32', 2, 5), { dtype: 'float32', device: 'cuda' })], 'avg');
    out['float32 reduceScatter avg'] = Array.from(rs.dataSync());
    out.bfloat16 = await e.allReduce(fl.ones([2], { dtype: 'bfloat16', device: 'cuda' }), 'sum').then(() => 'no error', (err) => err.constructor.name + ': ' + err.message);
    await e.destroy();
  } else if (process.env.SCENARIO === 'peer-dies') {
    if (rank === 1) process.exit(3);  // joined, then gone before the first collective
    const t = fl.tensor([1, 2], { dtype: 'float32', device: 'cuda' });
    await e.allReduce(t, 'sum');
    out.error = await e.barrier().then(() => 'no error', (err) => err.constructor.name + ': ' + err.message);
    await e.destroy();
  } else {
    for (const dtype of ['float32', 'float16', 'bfloat16', 'float64', 'int32']) {
      for (const op of ['sum', 'avg', 'max', 'min', 'prod']) {
        if (op === 'avg' && dtype === 'int32') continue;
        const t = fl.tensor(vals(dtype, 5, 1), { dtype, device: 'cuda' });
        await e.allReduce(t, op);
        out[dtype + ' allReduce ' + op] = Array.from(t.dataSync());
      }
      const b = fl.tensor(vals(dtype, 4, 2), { dtype, device: 'cuda' });
      await e.broadcast(b, 1);
      out[dtype + ' broadcast 1'] = Array.from(b.dataSync());
      const outs = [fl.zeros([3], { dtype, device: 'cuda' }), fl.zeros([3], { dtype, device: 'cuda' })];
      await e.allGather(outs, fl.tensor(vals(dtype, 3, 3), { dtype, device: 'cuda' }));
      out[dtype + ' allGather'] = outs.map((o) => Array.from(o.dataSync()));
      const rs = fl.zeros([2], { dtype, device: 'cuda' });
      await e.reduceScatter(rs, [fl.tensor(vals(dtype, 2, 4), { dtype, device: 'cuda' }), fl.tensor(vals(dtype, 2, 5), { dtype, device: 'cuda' })], 'sum');
      out[dtype + ' reduceScatter sum'] = Array.from(rs.dataSync());
      const p = fl.zeros([3], { dtype, device: 'cuda' });
      if (rank === 0) await e.send(fl.tensor(vals(dtype, 3, 6), { dtype, device: 'cuda' }), 1);
      else await e.recv(p, 0);
      out[dtype + ' send/recv'] = Array.from(p.dataSync());
    }
    await e.barrier();
    await e.destroy();
  }
  await store.close();
  process.stdout.write(JSON.stringify(out));
})().catch((err) => { process.stderr.write(String(err && err.stack || err)); process.exit(1); });
`;

interface ChildResult { code: number | null; out: Record<string, unknown>; stderr: string }

/** Runs the two ranks of CHILD as processes on the emulator; resolves with both results (bounded). */
async function twoRanks(scenario: string, timeoutMs: number, worldDir: string, extraEnv: Record<string, string> = {}): Promise<ChildResult[]> {
  const port = await new Promise<number>((resolve) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => { const a = srv.address() as net.AddressInfo; srv.close(() => resolve(a.port)); });
  });
  const script = path.join(worldDir, 'rank.js');
  fs.writeFileSync(script, CHILD);
  const run = (rank: number): Promise<ChildResult> => new Promise((resolve) => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    Object.assign(env, { RANK: String(rank), MASTER_PORT: String(port), SCENARIO: scenario, TIMEOUT_MS: String(timeoutMs),
      FAKE_NCCL_WORLD_DIR: worldDir, FLINT_TEST_ROOT: root, ...extraEnv });
    if (env.FLINT_ADDON_PATH) env.FLINT_ADDON_PATH = path.resolve(root, env.FLINT_ADDON_PATH);
    const child = spawn(process.execPath, [script], { env, cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const guard = setTimeout(() => child.kill('SIGKILL'), 90_000);  // hang guard
    child.on('close', (code) => {
      clearTimeout(guard);
      let out: Record<string, unknown> = {};
      try { out = JSON.parse(stdout || '{}') as Record<string, unknown>; } catch { stderr += `\n(stdout not JSON: ${stdout})`; }
      resolve({ code, out, stderr });
    });
  });
  return Promise.all([run(0), run(1)]);
}

describeWhen(fake)('NCCL, a world of two processes (fake libnccl.so.2, each rank on its own emulated GPU)', () => {
  let worldDir = '';
  beforeAll(() => {
    assertDistFresh();
    worldDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-nccl-world-'));
  });
  afterAll(() => { if (worldDir) fs.rmSync(worldDir, { recursive: true, force: true }); });

  /** What rank `r`'s CHILD puts in: the same formula. */
  const vals = (dtype: string, n: number, seed: number, r: number): number[] =>
    Array.from({ length: n }, (_, i) => (dtype === 'int32' ? (i + 1) * (r + seed) - 3 : ((i + 1) * (r + seed)) / 2 - 1.5));
  const reduce = (op: string, a: number[], b: number[]): number[] => a.map((x, i) => {
    const y = b[i];
    return op === 'sum' ? x + y : op === 'avg' ? (x + y) / 2 : op === 'max' ? Math.max(x, y) : op === 'min' ? Math.min(x, y) : x * y;
  });

  test('every collective and dtype on both ranks against the values computed here', async () => {
    const [r0, r1] = await twoRanks('all', 60_000, worldDir);
    expect({ code: r0.code, stderr: r0.stderr }).toEqual({ code: 0, stderr: '' });
    expect({ code: r1.code, stderr: r1.stderr }).toEqual({ code: 0, stderr: '' });
    for (const dtype of DTYPES) {
      for (const op of OPS) {
        if (op === 'avg' && dtype === 'int32') continue;
        const want = reduce(op, vals(dtype, 5, 1, 0), vals(dtype, 5, 1, 1));
        expect([dtype, op, r0.out[`${dtype} allReduce ${op}`]]).toEqual([dtype, op, want]);
        expect([dtype, op, r1.out[`${dtype} allReduce ${op}`]]).toEqual([dtype, op, want]);
      }
      for (const r of [r0, r1]) {
        expect(r.out[`${dtype} broadcast 1`]).toEqual(vals(dtype, 4, 2, 1));
        expect(r.out[`${dtype} allGather`]).toEqual([vals(dtype, 3, 3, 0), vals(dtype, 3, 3, 1)]);
      }
      // reduceScatter: rank r gets the sum over ranks of ins[r] (ins[0] from seed 4, ins[1] from seed 5)
      expect(r0.out[`${dtype} reduceScatter sum`]).toEqual(reduce('sum', vals(dtype, 2, 4, 0), vals(dtype, 2, 4, 1)));
      expect(r1.out[`${dtype} reduceScatter sum`]).toEqual(reduce('sum', vals(dtype, 2, 5, 0), vals(dtype, 2, 5, 1)));
      expect(r1.out[`${dtype} send/recv`]).toEqual(vals(dtype, 3, 6, 0));
      expect(r0.out[`${dtype} send/recv`]).toEqual([0, 0, 0]);
    }
  }, 120_000);

  test('NCCL 2.9 (no ncclAvg, no bfloat16): avg is a sum and a division, bfloat16 a DTypeError', async () => {
    const oldDir = path.join(worldDir, 'nccl-2.9');
    compile(oldDir, ['-DFAKE_NCCL_VERSION=20903']);
    const [r0, r1] = await twoRanks('old', 60_000, worldDir, { FLINT_CUDA_LIBS: oldDir });
    for (const r of [r0, r1]) {
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
      expect(r.out['float32 allReduce avg']).toEqual(reduce('avg', vals('float32', 5, 1, 0), vals('float32', 5, 1, 1)));
      expect(r.out.bfloat16).toBe('DTypeError: allReduce: NCCL 2.9.3 has no bfloat16 (NCCL 2.10+)');
    }
    expect(r0.out['float32 reduceScatter avg']).toEqual(reduce('avg', vals('float32', 2, 4, 0), vals('float32', 2, 4, 1)));
    expect(r1.out['float32 reduceScatter avg']).toEqual(reduce('avg', vals('float32', 2, 5, 0), vals('float32', 2, 5, 1)));
  }, 120_000);

  test('DistributedDataParallel on the GPU over NCCL: half batches on 2 ranks = one process on the full batch after 10 SGD steps', async () => {
    const X: number[][] = [], Y: number[][] = [];
    for (let i = 0; i < 8; i++) {
      const row = [Math.sin(i), Math.cos(2 * i), i / 8 - 0.5, ((i * 7) % 5) / 5];
      X.push(row);
      Y.push([row[0] * 0.5 - row[2] + 0.1 * i]);
    }
    const groupPort = await new Promise<number>((resolve) => {
      const srv = net.createServer();
      srv.listen(0, '127.0.0.1', () => { const a = srv.address() as net.AddressInfo; srv.close(() => resolve(a.port)); });
    });
    const [r0, r1] = await twoRanks('ddp', 60_000, worldDir, { DDP_X: JSON.stringify(X), DDP_Y: JSON.stringify(Y), GROUP_PORT: String(groupPort) });
    expect({ code: r0.code, stderr: r0.stderr }).toEqual({ code: 0, stderr: '' });
    expect({ code: r1.code, stderr: r1.stderr }).toEqual({ code: 0, stderr: '' });
    // the reference: one process, the full batch, plain SGD, on the CPU
    const reference = fl.scope(() => {
      fl.manualSeed(0);
      const net0 = new fl.nn.Sequential(new fl.nn.Linear(4, 8), new fl.nn.Tanh(), new fl.nn.Linear(8, 3), new fl.nn.Tanh(), new fl.nn.Linear(3, 1));
      const initial = net0.parameters().map((p) => Array.from(p.dataSync()));
      const x = fl.tensor(X), y = fl.tensor(Y);
      const opt = new fl.optim.SGD(net0.parameters(), { lr: 0.1 });
      for (let s = 0; s < 10; s++) {
        opt.zeroGrad();
        fl.scope(() => fl.nn.functional.mseLoss(net0.forward(x), y).backward());
        opt.step();
      }
      const params = net0.parameters().map((p) => Array.from(p.dataSync()));
      for (const p of net0.parameters()) { p.grad?.dispose(); p.dispose(); }
      return { initial, params };
    });
    const relErr = (a: number[][], b: number[][]): number => Math.max(...a.map((t, i) => Math.max(...t.map((v, j) => Math.abs(v - b[i][j]))) / Math.max(...b[i].map(Math.abs))));
    expect(relErr(reference.initial, reference.params)).toBeGreaterThan(1e-3);  // the reference did move
    expect(r0.out.buckets).toBeGreaterThan(1);  // several buckets: several allReduces in flight on the communication stream
    expect(relErr(r0.out.params as number[][], reference.params)).toBeLessThanOrEqual(1e-5);  // GPU vs CPU float32 kernels
    expect(r1.out.params).toEqual(r0.out.params);  // rank 1 started from other values: the broadcast and the averaging
  }, 120_000);

  test('SyncBatchNorm on the GPU over NCCL (2 rows on rank 0, 3 on rank 1) = one BatchNorm over the 5 rows on the CPU (float64)', async () => {
    const groupPort = await new Promise<number>((resolve) => {
      const srv = net.createServer();
      srv.listen(0, '127.0.0.1', () => { const a = srv.address() as net.AddressInfo; srv.close(() => resolve(a.port)); });
    });
    const [r0, r1] = await twoRanks('syncbn', 60_000, worldDir, { GROUP_PORT: String(groupPort) });
    expect({ code: r0.code, stderr: r0.stderr }).toEqual({ code: 0, stderr: '' });
    expect({ code: r1.code, stderr: r1.stderr }).toEqual({ code: 0, stderr: '' });
    const [a, b] = [r0.out, r1.out] as Record<string, number[]>[];
    const ref = fl.scope(() => {
      const bn = new fl.nn.BatchNorm1d(3, { momentum: 0.3, dtype: 'float64' });
      fl.noGrad(() => { bn.weight!.copy_(fl.tensor([0.5, 0.8, 1.1], { dtype: 'float64' })); bn.bias!.copy_(fl.tensor([-0.2, -0.1, 0], { dtype: 'float64' })); });
      const x = fl.tensor([...a.x, ...b.x], { dtype: 'float64' }).reshape([5, 3, 4]).requiresGrad_();
      const y = bn.forward(x);
      y.mul(fl.tensor([...a.w, ...b.w], { dtype: 'float64' }).reshape([5, 3, 4])).sum().backward();
      const list = (t: fl.Tensor) => Array.from(t.dataSync() as Float64Array);
      const r = { y: list(y), dx: list(x.grad!), dweight: list(bn.weight!.grad!), dbias: list(bn.bias!.grad!), runningMean: list(bn.runningMean!), runningVar: list(bn.runningVar!) };
      for (const p of bn.parameters()) { p.grad!.dispose(); p.grad = null; }
      return r;
    });
    // GPU (emulated) kernels against CPU ones, the statistics combined across ranks: 1e-12 relative to max(1, |value|)
    const err = (got: number[], want: number[]) => Math.max(0, ...got.map((v, i) => Math.abs(v - want[i]) / Math.max(1, Math.abs(want[i]))));
    const sum2 = (p: number[], q: number[]) => p.map((v, i) => v + q[i]);
    const errs = {
      y: err([...a.y, ...b.y], ref.y), dx: err([...a.dx, ...b.dx], ref.dx), dweight: err(sum2(a.dweight, b.dweight), ref.dweight),
      dbias: err(sum2(a.dbias, b.dbias), ref.dbias), runningMean: err(a.runningMean, ref.runningMean), runningVar: err(a.runningVar, ref.runningVar),
    };
    for (const [k, v] of Object.entries(errs)) expect(`${k}: ${v <= 1e-12 ? 'ok' : String(v)}`).toBe(`${k}: ok`);
    expect([b.runningMean, b.runningVar]).toEqual([a.runningMean, a.runningVar]);
  }, 120_000);

  test('a peer that died: the survivor gets DistributedError after timeoutMs and leaves cleanly', async () => {
    const [r0, r1] = await twoRanks('peer-dies', 1500, worldDir);
    expect(r1.code).toBe(3);
    expect({ code: r0.code, stderr: r0.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r0.out.error).toMatch(/^DistributedError: ncclAllReduce did not complete within 1500 ms \(a peer died, hangs or never called it\); the communicator was aborted$/);
  }, 120_000);
});

// ---- through the process group's public API --------------------------------------------------------

describeWhen(fake)('NCCL through fl.distributed (the process group, one rank)', () => {
  const dir = fake ? path.dirname(gpuInfo!.path) : '';
  const ctl = path.join(dir, `fake_nccl.${String(process.pid)}.ctl`);
  afterAll(() => { fs.rmSync(ctl, { force: true }); });

  test("initProcessGroup({ backend: 'nccl' }), collectives, then a hung one: DistributedError naming the op and the rank; destroyProcessGroup leaves", async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = net.createServer();
      srv.listen(0, '127.0.0.1', () => { const a = srv.address() as net.AddressInfo; srv.close(() => resolve(a.port)); });
    });
    const saved = { MASTER_PORT: process.env.MASTER_PORT, MASTER_ADDR: process.env.MASTER_ADDR };
    process.env.MASTER_PORT = String(port);
    process.env.MASTER_ADDR = '127.0.0.1';
    const t = fl.tensor([1, 2, 3], { dtype: 'float32', device: DEVICE });
    try {
      await fl.distributed.initProcessGroup({ backend: 'nccl', timeoutMs: 1500, worldSize: 1, rank: 0 });
      expect([fl.distributed.getBackend(), fl.distributed.getRank(), fl.distributed.getWorldSize()]).toEqual([gpuInfo!.name === 'RCCL' ? 'rccl' : 'nccl', 0, 1]);
      await fl.distributed.allReduce(t, 'avg');
      await fl.distributed.broadcast(t, 0);
      await fl.distributed.barrier();
      expect(Array.from(t.dataSync())).toEqual([1, 2, 3]);
      fs.writeFileSync(ctl, 'hang=collective\n');
      await fl.distributed.allReduce(t, 'sum');  // queued: resolves; the collective never ends
      const err = await fl.distributed.barrier().then(() => null, (e: unknown) => e as DistributedError);
      expect(err).toBeInstanceOf(DistributedError);
      expect(err!.op).toBe('barrier');
      expect(err!.rank).toBe(0);
      expect(err!.message).toMatch(/^barrier \(rank 0, nccl\): /);
      expect(err!.message).toMatch(/did not complete within 1500 ms|timed out after 1500 ms/);
      await expect(fl.distributed.allReduce(t, 'sum')).rejects.toThrow(DistributedError);
    } finally {
      fs.writeFileSync(ctl, '');
      if (fl.distributed.isInitialized()) await fl.distributed.destroyProcessGroup();
      t.dispose();
      for (const [k, v] of Object.entries(saved)) { if (v === undefined) delete process.env[k]; else process.env[k] = v; }
    }
    expect(fl.distributed.isInitialized()).toBe(false);
  }, 60_000);
  test('the group\'s blocking allReduceSync/allGatherSync (SyncBatchNorm\'s): results, argument checks, and a hang ending in DistributedError at timeoutMs', async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = net.createServer();
      srv.listen(0, '127.0.0.1', () => { const a = srv.address() as net.AddressInfo; srv.close(() => resolve(a.port)); });
    });
    const saved = { MASTER_PORT: process.env.MASTER_PORT, MASTER_ADDR: process.env.MASTER_ADDR };
    process.env.MASTER_PORT = String(port);
    process.env.MASTER_ADDR = '127.0.0.1';
    const t = fl.tensor([1, 2, 3], { dtype: 'float32', device: DEVICE });
    const outs = [fl.zeros([3], { device: DEVICE })];
    try {
      await fl.distributed.initProcessGroup({ backend: 'nccl', timeoutMs: 800, worldSize: 1, rank: 0 });
      allGatherSync(outs, t, 'test allGather');
      allReduceSync(t, 'avg', 'test allReduce');
      expect([Array.from(outs[0].dataSync()), Array.from(t.dataSync())]).toEqual([[1, 2, 3], [1, 2, 3]]);
      const onCpu = fl.ones([2]);
      try {
        expect(() => allReduceSync(onCpu, 'sum', 'test allReduce')).toThrow(/^test allReduce: tensor is on cpu; the nccl group of rank 0 works on cuda:0 tensors$/);
      } finally {
        onCpu.dispose();
      }
      expect(() => allGatherSync([outs[0], outs[0]], t, 'test allGather')).toThrow(/test allGather: tensorList has 2 tensors; the world has 1 ranks/);
      fs.writeFileSync(ctl, 'hang=enqueue\n');
      let err: unknown = null;
      try { allReduceSync(t, 'sum', 'SyncBatchNorm backward: allReduce'); } catch (e) { err = e; }
      fs.writeFileSync(ctl, '');
      expect(err).toBeInstanceOf(DistributedError);
      expect((err as DistributedError).op).toBe('SyncBatchNorm backward: allReduce');
      expect((err as DistributedError).message).toBe('SyncBatchNorm backward: allReduce (rank 0, nccl): timed out after 800 ms (a peer died, never arrived, or issued a different collective)');
      expect(() => allGatherSync(outs, t, 'SyncBatchNorm forward: allGather')).toThrow(/^SyncBatchNorm forward: allGather \(rank 0, nccl\): the process group is unusable after an earlier failure: SyncBatchNorm backward: allReduce timed out/);
    } finally {
      fs.writeFileSync(ctl, '');
      if (fl.distributed.isInitialized()) await fl.distributed.destroyProcessGroup();
      t.dispose(); outs[0].dispose();
      for (const [k, v] of Object.entries(saved)) { if (v === undefined) delete process.env[k]; else process.env[k] = v; }
    }
    expect(fl.distributed.isInitialized()).toBe(false);
  }, 60_000);
});
