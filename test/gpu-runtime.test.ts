// gpu-runtime.test.ts — the GPU runtime as a user sees it: moving tensors, pinned memory, async
// copies and reads, streams and events, the memory limit, out-of-memory and recovery, errors that
// kernels report, leaks. Runs on a GPU (FLINT_TEST_DEVICE=cuda) and, in `npm test`, on the CPU
// emulation of the CUDA driver (test/emu; the `gpu-emu` jest project). It needs a usable 'cuda'
// device and fails, never skips, without one.
import { execFileSync } from 'child_process';
import * as path from 'path';
import * as fl from '../lib';
import { DEVICE, randomArray } from './helpers';

const dev = DEVICE.startsWith('cuda') ? DEVICE : 'cuda';
const MiB = 1 << 20;

afterEach(() => {
  fl.cuda.synchronize();
});

describe('moving tensors', () => {
  test('cpu -> cuda -> cpu keeps every dtype\'s values', () => {
    const vals = [0, 1, -2.5, 3.25, 100, -7, 0.5, 42];
    for (const dtype of fl.DTYPES) {
      fl.scope(() => {
        const x = fl.tensor(vals.map((v) => (dtype === 'bool' ? v !== 0 : dtype === 'uint8' ? Math.abs(Math.trunc(v)) : v)), { dtype });
        const g = x.to(dev);
        expect(g.device).toBe(dev === 'cuda' ? 'cuda:0' : dev);
        expect(g.dtype).toBe(dtype);
        expect(Array.from(g.cpu().dataSync())).toEqual(Array.from(x.dataSync()));
        expect(Array.from(g.dataSync())).toEqual(Array.from(x.dataSync()));
      });
    }
  });

  test('a strided view moves as its values; a cast happens before the move', () => {
    fl.scope(() => {
      const x = fl.arange(12, undefined, 1, { dtype: 'float32' }).reshape(3, 4).transpose(0, 1);
      const g = x.to({ device: dev, dtype: 'float64' });
      expect(g.dtype).toBe('float64');
      expect(g.shape).toEqual([4, 3]);
      expect(g.toArray()).toEqual(x.toArray());
    });
  });

  test('the gradient of to() flows back to the source device', () => {
    fl.scope(() => {
      const x = fl.tensor([1, 2, 3], { dtype: 'float32' }).requiresGrad_();
      const y = x.to(dev).mul(2).sum();
      y.backward();
      expect(x.grad!.device).toBe('cpu');
      expect(Array.from(x.grad!.dataSync())).toEqual([2, 2, 2]);
    });
  });

  test('ops refuse operands on two devices, naming the op', () => {
    fl.scope(() => {
      const a = fl.ones([2]);
      const b = fl.ones([2], { device: dev });
      expect(() => a.add(b)).toThrow(fl.DeviceError);
      expect(() => a.add(b)).toThrow(/add/);
    });
  });
});

describe('pinned memory and asynchronous copies', () => {
  test('pinned tensors: empty/zeros/tensor with {pinned: true}, pin(), isPinned()', () => {
    fl.scope(() => {
      const p = fl.zeros([1000], { pinned: true });
      expect(p.isPinned()).toBe(true);
      expect(Array.from(p.dataSync()).every((v) => v === 0)).toBe(true);
      const x = fl.tensor([1, 2, 3]);
      expect(x.isPinned()).toBe(false);
      const px = x.pin();
      expect(px.isPinned()).toBe(true);
      expect(px.pin()).toBe(px);
      expect(Array.from(px.dataSync())).toEqual([1, 2, 3]);
      expect(() => fl.empty([2], { device: dev, pinned: true })).toThrow(fl.DeviceError);
      expect(() => fl.ones([2], { device: dev }).pin()).toThrow(fl.DeviceError);
    });
  });

  test('nonBlocking copies from pinned memory are ordered before the ops that read them', () => {
    fl.scope(() => {
      const n = 1 << 16;
      const vals = randomArray(n, 3);
      const host = fl.tensor(vals, { pinned: true });
      const g = host.to(dev, { nonBlocking: true });
      const s = g.mul(2).sum().item();
      const want = vals.reduce((a, v) => a + Math.fround(v) * 2, 0);
      expect(Math.abs(s - want)).toBeLessThan(1e-2);
    });
  });

  test('await data() resolves with the values; the event loop runs while the GPU works', async () => {
    // Size the job with timing events so that it keeps the device busy for ~100 ms after the last op
    // is queued, on a GPU and on the emulator alike: elements grow until one op takes >= 50 µs.
    const run = (x: fl.Tensor, k: number): fl.Tensor => {
      let y = x.mul(1);
      for (let i = 0; i < k; i++) { const z = y.mul(1.0001); y.dispose(); y = z; }
      return y;
    };
    let n = 1 << 16;
    let x = fl.tensor(randomArray(n, 4), { device: dev });
    let perOp = 0;
    for (;;) {
      const a = new fl.cuda.Event({ enableTiming: true }), b = new fl.cuda.Event({ enableTiming: true });
      a.record();
      run(x, 20).dispose();
      b.record();
      b.synchronize();
      perOp = a.elapsedTime(b) / 21;
      a.destroy(); b.destroy();
      if (perOp >= 0.05 || n >= 1 << 24) break;
      x.dispose();
      n *= 16;
      x = fl.randn([n], { device: dev });
    }
    const k = Math.max(20, Math.ceil(100 / Math.max(perOp, 1e-3)));
    const y = run(x, k);
    let ticks = 0;
    const timer = setInterval(() => { ticks++; }, 1);
    const waitStart = Date.now();
    const values = await y.data();
    const waited = Date.now() - waitStart;
    clearInterval(timer);
    expect(values).toHaveLength(n);
    const want = Math.fround(x.dataSync()[5]) * Math.pow(1.0001, k);
    expect(Math.abs(values[5] - want)).toBeLessThan(1e-3 * Math.abs(want) + 1e-5);
    expect(waited).toBeGreaterThanOrEqual(20);  // the job was still running when the wait began
    expect(ticks).toBeGreaterThan(0);           // and the 1 ms timer fired meanwhile: data() did not block
    x.dispose(); y.dispose();
  });

  test('await data() of a strided view and of a float16 tensor', async () => {
    await fl.scope(async () => {
      const x = fl.arange(6, undefined, 1, { device: dev, dtype: 'float32' }).reshape(2, 3);
      expect(Array.from(await x.transpose(0, 1).data())).toEqual([0, 3, 1, 4, 2, 5]);
      expect(Array.from(await x.to('float16').data())).toEqual([0, 1, 2, 3, 4, 5]);
    });
  });
});

describe('streams and events', () => {
  test('work on a second stream, ordered with an event', () => {
    fl.scope(() => {
      const s = new fl.cuda.Stream();
      const a = fl.tensor(randomArray(4096, 5), { device: dev });
      const ready = new fl.cuda.Event();
      ready.record();                 // a is ready on the default stream
      const b = fl.cuda.withStream(s, () => {
        ready.wait(s);
        expect(fl.cuda.currentStream().id).toBe(s.id);
        const r = a.mul(3).add(1);
        r.recordStream(s);
        return r;
      });
      expect(fl.cuda.currentStream().id).toBe(0);
      const done = s.recordEvent();
      done.wait();                    // the default stream waits for s before reading b
      const got = b.dataSync();
      const av = a.dataSync();
      for (let i = 0; i < 4096; i += 97) expect(got[i]).toBeCloseTo(av[i] * 3 + 1, 4);
      s.synchronize();
      expect(s.query()).toBe(true);
      expect(done.query()).toBe(true);
      done.destroy(); ready.destroy(); s.destroy();
    });
  });

  test('a pinned buffer freed while another stream still copies from it is not reused early', () => {
    fl.scope(() => {
      const s = new fl.cuda.Stream();
      const big = fl.randn([2000, 1000], { device: dev });
      fl.cuda.synchronize();
      const n = 1024;
      const host = fl.full([n], 1, { pinned: true });
      const g = fl.cuda.withStream(s, () => {
        for (let i = 0; i < 3; i++) big.sum(1);          // keeps s busy
        return host.to(dev, { nonBlocking: true });      // reads host when s gets there
      });
      host.dispose();                                    // freed before s ran the copy
      const host2 = fl.full([n], 2, { pinned: true });   // same size class: must not get host's block yet
      s.synchronize();
      expect(g.sum().item()).toBe(n);
      expect(host2.sum().item()).toBe(2 * n);
      s.destroy();
    });
  });

  test('await data() on one stream does not swallow an error a kernel reports on another', async () => {
    const s = new fl.cuda.Stream();
    await fl.scope(async () => {
      const big = fl.randn([2000, 1000], { device: dev });
      const x = fl.tensor([1, 2, 3], { device: dev });
      const bad = fl.tensor([0, 7], { dtype: 'int32', device: dev });
      fl.cuda.synchronize();
      fl.cuda.withStream(s, () => {
        for (let i = 0; i < 3; i++) big.sum(1);
        fl.indexSelect(x, 0, bad);                       // reports once s gets there
      });
      expect(Array.from(await x.mul(2).data())).toEqual([2, 4, 6]);  // default stream
      expect(() => { s.synchronize(); fl.cuda.synchronize(); }).toThrow(/indexSelect/);
      const ok = fl.indexSelect(x, 0, fl.tensor([0, 1], { dtype: 'int32', device: dev }));
      expect(Array.from(ok.dataSync())).toEqual([1, 2]);  // no stale error bit afterwards
    });
    s.destroy();
  });

  test('elapsedTime between two timing events is a non-negative number of ms', () => {
    fl.scope(() => {
      const start = new fl.cuda.Event({ enableTiming: true });
      const end = new fl.cuda.Event({ enableTiming: true });
      const x = fl.ones([256, 256], { device: dev });
      start.record();
      x.matmul(x);
      end.record();
      end.synchronize();
      const ms = start.elapsedTime(end);
      expect(Number.isFinite(ms)).toBe(true);
      expect(ms).toBeGreaterThanOrEqual(0);
      start.destroy(); end.destroy();
    });
  });

  test('a stream destroyed before the pinned and device blocks it used are freed: the frees neither abort nor throw', () => {
    // Regression (issue 9's emulator rehearsal: bench/gpu.js's overlap case aborted the process):
    // the allocators recorded an event at free on every stream that had used the block, and one on a
    // destroyed stream failed inside a free called from dispose/a finalizer (std::terminate). A
    // child process, so that an abort fails this test with its message instead of killing the worker.
    const root = path.resolve(__dirname, '..');
    const code = `
      const fl = require(${JSON.stringify(path.join(root, 'dist'))});
      const s = new fl.cuda.Stream(), s2 = new fl.cuda.Stream();
      const host = fl.randn([1000]).pin();
      const x = fl.randn([1000], { device: 'cuda' });
      const d = fl.cuda.withStream(s, () => host.to('cuda', { nonBlocking: true }));  // host used by s's copy
      x.recordStream(s2);                                                               // x used by s2
      const want = Array.from(host.dataSync());
      s.destroy(); s2.destroy();
      host.dispose(); x.dispose();
      const got = Array.from(d.dataSync());
      d.dispose();
      fl.cuda.synchronize();
      const again = fl.randn([1000]).pin();  // the pool hands the freed block out again
      const y = again.to('cuda', { nonBlocking: true });
      const ok = Array.from(y.dataSync()).every((v, i) => v === again.dataSync()[i]);
      console.log(JSON.stringify({ same: got.every((v, i) => v === want[i]), ok }));`;
    const env = { ...process.env };
    if (env.FLINT_ADDON_PATH) env.FLINT_ADDON_PATH = path.resolve(root, env.FLINT_ADDON_PATH);
    let out;
    try {
      out = JSON.parse(execFileSync(process.execPath, ['-e', code], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 }));
    } catch (e) {
      const err = e as { status: number | null; signal: string | null; stderr: string };
      throw new Error(`the child failed (status ${err.status}, signal ${err.signal}):\n${err.stderr}`);
    }
    expect(out).toEqual({ same: true, ok: true });
  });

  test('withStream restores the previous stream after an error and after an async function', async () => {
    const s = new fl.cuda.Stream();
    expect(() => fl.cuda.withStream(s, () => { throw new Error('boom'); })).toThrow('boom');
    expect(fl.cuda.currentStream().id).toBe(0);
    await fl.cuda.withStream(s, async () => { await Promise.resolve(); });
    expect(fl.cuda.currentStream().id).toBe(0);
    s.destroy();
  });
});

describe('memory: statistics, limit, out of memory', () => {
  test('stats return to their baseline after a scope of ops (no leaks)', () => {
    fl.cuda.synchronize();
    const before = fl.memory.stats(dev).allocatedBytes;
    fl.scope(() => {
      const x = fl.randn([256, 256], { device: dev });
      x.matmul(x).relu().sum(1).softmax(0);
    });
    expect(fl.memory.stats(dev).allocatedBytes).toBe(before);
    expect(fl.memory.stats(dev).peakAllocatedBytes).toBeGreaterThan(before);  // the scope's tensors
    fl.memory.resetPeakStats(dev);
    expect(fl.memory.stats(dev).peakAllocatedBytes).toBe(before);
    const st = fl.memory.stats(dev);
    expect(st.reservedBytes).toBeGreaterThanOrEqual(st.allocatedBytes);
    expect(st.numAllocs).toBeGreaterThan(0);
    expect(st.cacheHits).toBeGreaterThanOrEqual(0);
  });

  test('past the limit: OutOfMemoryError with the stats; the process stays usable', () => {
    fl.memory.emptyCache(dev);
    const held: fl.Tensor[] = [];
    fl.memory.setMemoryLimit(64 * MiB, dev);
    try {
      expect(fl.memory.getMemoryLimit(dev)).toBe(64 * MiB);
      let err: unknown;
      try {
        for (let i = 0; i < 8; i++) held.push(fl.empty([4 * MiB], { device: dev }));  // 16 MiB each
      } catch (e) { err = e; }
      expect(err).toBeInstanceOf(fl.OutOfMemoryError);
      expect((err as Error).message).toMatch(/limit|MiB/);
      expect(held.length).toBeGreaterThanOrEqual(2);
      expect(held.length).toBeLessThan(5);
      for (const t of held.splice(0)) t.dispose();
      // usable again
      fl.scope(() => {
        const y = fl.ones([4 * MiB], { device: dev });
        expect(y.sum().item()).toBe(4 * MiB);
      });
    } finally {
      for (const t of held) t.dispose();
      fl.memory.setMemoryLimit(0, dev);
    }
  });

  test('garbage tensors (no dispose, no references) of earlier event-loop turns are collected before out-of-memory', async () => {
    fl.memory.emptyCache(dev);
    fl.memory.setMemoryLimit(64 * MiB, dev);
    // each is 16 MiB and dropped without dispose: 192 MiB in all, under a 64 MiB limit. As in a
    // training loop that awaits its data, each step runs in a later turn of the event loop (V8 keeps
    // objects that were weakly referenced in the current turn alive until it ends).
    const makeAndDrop = (): number => fl.empty([4 * MiB], { device: dev }).numel;
    try {
      for (let i = 0; i < 12; i++) {
        expect(makeAndDrop()).toBe(4 * MiB);
        await new Promise((r) => setImmediate(r));
      }
      const st = fl.memory.allocatorStats(0);
      expect(st.reservedBytes).toBeLessThanOrEqual(64 * MiB);
    } finally {
      fl.memory.setMemoryLimit(0, dev);
      fl.memory.collectGarbage();  // the last few, so that liveTensors is back where it was
    }
  });
});

describe('errors that kernels report', () => {
  test('an out-of-range index surfaces at the next synchronization as IndexError naming the op', () => {
    fl.scope(() => {
      const x = fl.tensor([1, 2, 3], { device: dev });
      const idx = fl.tensor([0, 7], { dtype: 'int32', device: dev });
      let err: unknown;
      try {
        const y = fl.indexSelect(x, 0, idx);
        y.dataSync();
      } catch (e) { err = e; }
      expect(err).toBeInstanceOf(fl.IndexError);
      expect((err as Error).message).toMatch(/indexSelect/);
      // the error was reported once; the device is usable
      expect(fl.tensor([5], { device: dev }).add(1).item()).toBe(6);
    });
  });

  test('FLINT_SYNC=1 stops at the op whose kernel failed', () => {
    const root = path.resolve(__dirname, '..');
    const code = `
      const fl = require(${JSON.stringify(path.join(root, 'dist'))});
      const x = fl.tensor([1, 2, 3], { device: 'cuda' });
      const idx = fl.tensor([0, 9], { dtype: 'int32', device: 'cuda' });
      let caught = null;
      try { fl.indexSelect(x, 0, idx); } catch (e) { caught = e.constructor.name + ': ' + e.message; }
      console.log(JSON.stringify({ caught, sync: fl.backend.gpu().sync }));`;
    const env = { ...process.env, FLINT_SYNC: '1' };
    if (env.FLINT_ADDON_PATH) env.FLINT_ADDON_PATH = path.resolve(root, env.FLINT_ADDON_PATH);
    const out = JSON.parse(execFileSync(process.execPath, ['-e', code], { env, encoding: 'utf8' }));
    expect(out.sync).toBe(true);
    expect(out.caught).toMatch(/^IndexError: .*indexSelect/);
  });
});

describe('the kernel image set in use', () => {
  // native/gpu/images.h: the loader uses the newest set the driver and the GPU run (nvcc 13: driver
  // >= 13.0; nvcc 11.8 in kernels/cuda-11.8/: driver >= 11.0). On a GPU this checks the real driver's
  // choice and that the set's (compressed) images load; on the emulator (FLINT_CUDA_DRIVER, which
  // never reads images) FLINT_EMU_DRIVER_VERSION plays older drivers against two stand-in sets.
  const root = path.resolve(__dirname, '..');
  const run = (env: Record<string, string>, kernelPath?: string) => {
    const code = `
      const fl = require(${JSON.stringify(path.join(root, 'dist'))});
      let out;
      try { out = { sum: fl.arange(10, undefined, 1, { device: 'cuda' }).sum().item(), imageSet: fl.backend.gpu().imageSet }; }
      catch (e) { out = { error: e.constructor.name + ': ' + e.message }; }
      console.log(JSON.stringify(out));`;
    const e: NodeJS.ProcessEnv = { ...process.env, ...env };
    if (kernelPath) e.FLINT_KERNEL_PATH = kernelPath;
    if (e.FLINT_ADDON_PATH) e.FLINT_ADDON_PATH = path.resolve(root, e.FLINT_ADDON_PATH);
    return JSON.parse(execFileSync(process.execPath, ['-e', code], { env: e, encoding: 'utf8' }));
  };

  if (process.env.FLINT_CUDA_DRIVER) {
    test('emulated drivers 13.0, 12.2, 11.4 and 10.2 get the nvcc 13.0 set, the 11.8 set, the 11.8 set, none', () => {
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      const fs = require('fs') as typeof import('fs'), os = require('os') as typeof import('os');
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-sets-'));
      try {
        const set = (dir: string, status: object) => {
          fs.mkdirSync(dir, { recursive: true });
          fs.writeFileSync(path.join(dir, 'flint-a.fatbin'), 'stand-in');
          fs.writeFileSync(path.join(dir, 'status.json'), JSON.stringify({ ...status, reason: null, images: ['flint-a.fatbin'] }));
        };
        set(tmp, { nvcc: '13.0', archs: [75, 80, 86, 89, 90, 100, 120], ptx: 120, minDriver: 13000, ptxMinDriver: 13000 });
        set(path.join(tmp, 'cuda-11.8'), { nvcc: '11.8', archs: [60, 70, 75, 80, 86, 89, 90], ptx: 90, minDriver: 11000, ptxMinDriver: 11080 });
        const v = (n: string) => run({ FLINT_EMU_DRIVER_VERSION: n }, tmp);
        expect(v('13000')).toEqual({ sum: 45, imageSet: `${tmp} (nvcc 13.0)` });
        expect(v('12020')).toEqual({ sum: 45, imageSet: `${path.join(tmp, 'cuda-11.8')} (nvcc 11.8)` });
        expect(v('11040')).toEqual({ sum: 45, imageSet: `${path.join(tmp, 'cuda-11.8')} (nvcc 11.8)` });
        expect(v('10020').error).toBe("BackendUnavailableError: arange: cannot use device 'cuda': NVIDIA driver 10.2 found (1 device), but none of " +
          'the 2 kernel image sets runs here: the kernel images (nvcc 13.0) need a CUDA 13 driver (NVIDIA 580 or newer), this driver is ' +
          'CUDA 10.2: update the NVIDIA driver; the kernel images (nvcc 11.8) need a CUDA 11 driver (NVIDIA 450.80.02 or newer), this ' +
          'driver is CUDA 10.2: update the NVIDIA driver');
      } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    });
  } else {
    test('on this GPU: the newest set its driver runs, and its images load', () => {
      const out = run({});
      expect(out.sum).toBe(45);
      const driver = fl.cuda.driverVersion() ?? '0';
      const [major] = driver.split('.').map(Number);
      // a driver of CUDA 13 runs the nvcc 13 set (kernels/); an older one the nvcc 11.8 set (kernels/cuda-11.8/)
      if (major >= 13) expect(out.imageSet).toMatch(/\(nvcc 13\.\d+\)$/);
      else expect(out.imageSet).toMatch(/cuda-11\.8 \(nvcc 11\.8\)$/);
    });
  }
});

describe('matmul precision switch', () => {
  test('allowTF32 defaults to false and can be set', () => {
    expect(fl.backends.matmul.allowTF32).toBe(false);
    fl.backends.matmul.allowTF32 = true;
    expect(fl.backends.matmul.allowTF32).toBe(true);
    fl.backends.matmul.allowTF32 = false;
  });
});
